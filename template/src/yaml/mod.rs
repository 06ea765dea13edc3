//! YAML as Helm sees it: values files are read with YAML 1.1 rules through
//! JSON (sigs.k8s.io/yaml over yaml.v2), and `toYaml` is yaml.v2's emitter.
