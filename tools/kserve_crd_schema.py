#!/usr/bin/env python3
"""Writes the schema that deploy/kserve/ is validated against (KServeCrdTest).

Reads KServe's InferenceService CRD (config/crd/full/serving.kserve.io_inferenceservices.yaml in
github.com/kserve/kserve), takes the v1beta1 version's openAPIV3Schema and drops its
"description" members, which are two thirds of its text and none of its rules. The result is
sorted, compact JSON with a "$comment" naming where it came from.

    git -C kserve show <commit>:config/crd/full/serving.kserve.io_inferenceservices.yaml > crd.yaml
    python3 tools/kserve_crd_schema.py crd.yaml <commit> > src/test/resources/kserve/inferenceservice-v1beta1.schema.json
"""
import json
import sys

import yaml


def without_descriptions(node, names=False):
    """The schema without its "description" keywords; names: node maps property names to schemas."""
    if isinstance(node, dict):
        return {key: without_descriptions(value, key == "properties" and not names)
                for key, value in node.items() if names or key != "description"}
    if isinstance(node, list):
        return [without_descriptions(item) for item in node]
    return node


def main(crd_path, commit):
    with open(crd_path, encoding="utf-8") as f:
        crd = yaml.safe_load(f)
    if crd.get("kind") != "CustomResourceDefinition" or crd["spec"]["names"]["kind"] != "InferenceService":
        sys.exit(f"{crd_path} is not the InferenceService CRD")
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    schema = without_descriptions(version["schema"]["openAPIV3Schema"])
    schema["$comment"] = ("openAPIV3Schema of serving.kserve.io/v1beta1 InferenceService from github.com/kserve/kserve@"
                          f"{commit} config/crd/full/serving.kserve.io_inferenceservices.yaml, "
                          "descriptions removed by tools/kserve_crd_schema.py")
    json.dump(schema, sys.stdout, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: kserve_crd_schema.py <serving.kserve.io_inferenceservices.yaml> <kserve commit>")
    main(sys.argv[1], sys.argv[2])
