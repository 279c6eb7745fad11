// Checks the manifests of this folder against the Kubernetes API schemas
// of the npm package kubernetes-models, with no cluster: every object must
// be a known kind whose fields have the types and values the schema
// allows. Not run by CI; see README.md beside this file.
//
//   npm install --prefix /tmp/k8scheck kubernetes-models@5.1.0 yaml@2
//   MODULES=/tmp/k8scheck/node_modules node deploy/kubernetes/check.mjs deploy/kubernetes/*.yaml
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const modules = process.env.MODULES || "node_modules";
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const YAML = (await load("yaml/dist/index.js")).default;

const groups = { v1: "kubernetes-models/v1/index.js", "batch/v1": "kubernetes-models/batch/v1/index.js" };
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: ${doc.errors.map(String).join("; ")}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (!obj) continue;
    const where = `${file}: ${obj.kind} ${obj.metadata?.name}`;
    const mod = groups[obj.apiVersion];
    const Model = mod && (await load(mod))[obj.kind];
    if (!Model) {
      console.log(`FAIL ${where}: no schema for ${obj.apiVersion} ${obj.kind}`);
      failed++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`ok   ${where}`);
    } catch (e) {
      console.log(`FAIL ${where}: ${e.message}`);
      failed++;
    }
  }
}
process.exit(failed ? 1 : 0);
