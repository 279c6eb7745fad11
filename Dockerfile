# The runsim image: one static binary (the scenario library is embedded),
# used by the recipes in deploy/. Build from the repository's root:
#
#   docker build -t runsim:dev --build-arg VERSION=$(git describe --always --dirty) .
#
# VERSION names the build in every shard's header: shards merge only with
# shards of the same build, so give every task of a sweep the same image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION}" -o /out/runsim ./cmd/runsim

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/runsim /usr/local/bin/runsim
USER nonroot:nonroot
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/runsim"]
CMD ["help"]
