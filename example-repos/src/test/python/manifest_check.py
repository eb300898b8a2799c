#!/usr/bin/env python3
"""Validates Kubernetes manifests strictly, with schemas and tools nobody at mlci wrote, offline.

  manifest_check.py CRD.yaml VERSIONS FILE...
      VERSIONS is a comma-separated list of Kubernetes versions (e.g. 1.29,1.37). Every YAML document
      of every FILE is read the way kubectl reads it (YAML 1.1: an unquoted 5 is a number, "on" a
      boolean; duplicate keys are errors), then validated against
        - Deployment, Service, ...: the strict Kubernetes JSON schemas the PyPI package
          kubernetes-validate carries (unknown fields are errors), through kubernetes_validate.validate;
        - InferenceService: the CRD's openAPIV3Schema, made strict as the API server prunes and
          kubectl's strict field validation refuses unknown fields (strict() below: an object schema
          with properties admits no others unless it says x-kubernetes-preserve-unknown-fields;
          int-or-string as either), with metadata checked against Kubernetes' strict ObjectMeta,
          as the API server does for every custom resource.
      Prints a JSON list, one entry per document and version:
      {"file", "kind", "name", "kubernetes", "errors": ["path: message", ...]}.
"""
import copy
import json
import os
import sys

import importlib_resources
import jsonschema
import kubernetes_validate
import yaml
from referencing import Registry, Resource


OBJECT_META = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


class StrictLoader(yaml.SafeLoader):
    """PyYAML's YAML 1.1 safe loader that refuses duplicate keys, as kubeconform -strict does."""


def _mapping(loader, node, deep=False):
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def definitions(version):
    """Kubernetes' strict definitions for version, from kubernetes-validate's package data."""
    ref = importlib_resources.files("kubernetes_validate").joinpath(
        f"kubernetes-json-schema/v{version}.0-local-strict/_definitions.json")
    return json.loads(ref.read_text())


def strict(schema):
    """The CRD schema as the API server applies it with strict field validation: an object schema
    that lists properties admits no other field (unless x-kubernetes-preserve-unknown-fields says
    so, or it already states additionalProperties), and x-kubernetes-int-or-string (or the format
    int-or-string) accepts a string or an integer. Returns a new schema."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("x-kubernetes-int-or-string") or schema.get("format") == "int-or-string":
        return {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    out = {k: strict(v) for k, v in schema.items()}
    if ("properties" in schema and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def crd_validator(crd, version):
    [served] = [v for v in crd["spec"]["versions"] if v.get("storage")]
    schema = copy.deepcopy(served["schema"]["openAPIV3Schema"])
    schema = strict(schema)  # the root is strict too
    schema["properties"]["metadata"] = {"$ref": OBJECT_META}
    registry = Resource.from_contents(definitions(version)) @ Registry()
    api = crd["spec"]["group"] + "/" + served["name"]
    return crd["spec"]["names"]["kind"], api, jsonschema.Draft202012Validator(
        schema, registry=registry)


def where(error):
    return "/".join(str(p) for p in error.absolute_path) or "(root)"


def main(argv):
    crd_file, versions, files = argv[1], argv[2].split(","), argv[3:]
    with open(crd_file) as f:
        # 2 MB of YAML: libyaml's loader when PyYAML has it.
        crd = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    results = []
    for version in versions:
        kind, api, validator = crd_validator(crd, version)
        for name in files:
            with open(name) as f:
                try:
                    docs = [d for d in yaml.load_all(f, Loader=StrictLoader) if d is not None]
                except yaml.YAMLError as e:
                    results.append({"file": name, "kind": None, "name": None,
                                    "kubernetes": version, "errors": [f"YAML: {e}"]})
                    continue
            for doc in docs:
                entry = {"file": name, "kind": doc.get("kind"),
                         "name": doc.get("metadata", {}).get("name"), "kubernetes": version}
                if doc.get("kind") == kind:
                    errors = [] if doc.get("apiVersion") == api else [
                        f"apiVersion: {doc.get('apiVersion')!r} is not {api!r}"]
                    errors += [f"{where(e)}: {e.message}"
                               for e in sorted(validator.iter_errors(doc), key=str)]
                else:
                    try:
                        kubernetes_validate.validate(doc, version, strict=True)
                        errors = []
                    except kubernetes_validate.ValidationError as e:
                        errors = [f"{where(e)}: {e.message}"]
                    except kubernetes_validate.SchemaNotFoundError as e:
                        errors = [e.message]
                entry["errors"] = errors
                results.append(entry)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main(sys.argv)
