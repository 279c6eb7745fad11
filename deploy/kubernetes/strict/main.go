// Command strict decodes Kubernetes manifests into the Go types of the
// Kubernetes API (k8s.io/api) and refuses unknown or duplicate fields and
// values of the wrong type, as the API server's strict field validation
// does: the check that deploy/kubernetes/check.mjs, which checks types and
// allowed values, lacks. No cluster needed. Not run by CI:
//
//	cd deploy/kubernetes/strict && go run . ../*.yaml
package main

import (
	"bytes"
	"fmt"
	"os"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	failed := 0
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Println("FAIL", err)
			failed++
			continue
		}
		for _, doc := range bytes.Split(data, []byte("\n---\n")) {
			var meta struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &meta); err != nil {
				fmt.Printf("FAIL %s: %v\n", file, err)
				failed++
				continue
			}
			if meta.Kind == "" {
				continue
			}
			where := fmt.Sprintf("%s: %s %s", file, meta.Kind, meta.Metadata.Name)
			var obj any
			switch meta.APIVersion + " " + meta.Kind {
			case "batch/v1 Job":
				obj = &batchv1.Job{}
			case "v1 PersistentVolumeClaim":
				obj = &corev1.PersistentVolumeClaim{}
			case "v1 ConfigMap":
				obj = &corev1.ConfigMap{}
			default:
				fmt.Printf("FAIL %s: no type for %s %s\n", where, meta.APIVersion, meta.Kind)
				failed++
				continue
			}
			if err := yaml.UnmarshalStrict(doc, obj); err != nil {
				fmt.Printf("FAIL %s: %v\n", where, err)
				failed++
				continue
			}
			fmt.Println("ok  ", where)
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}
