"""Kubeflow's own code on mlci's pipeline (KfpPipelineIT).

validate PIPELINE.yaml OUT.yaml
    Parses the file strictly as the PipelineSpec protobuf (unknown fields are errors), loads it as a
    component with kfp.components.load_component_from_file and compiles a pipeline that uses it;
    prints the tasks, the executors' images and commands, and the compiled file's components.
classification FILE
    Rebuilds the system.ClassificationMetrics metadata in FILE with the SDK's own
    dsl.ClassificationMetrics (log_confusion_matrix, log_roc_curve) from its numbers and prints
    whether the SDK writes exactly the same.
conditions PIPELINE.yaml OUT.yaml
    Writes the same pipeline with the SDK's own dsl.If (containerize on the target branch unless the
    gate FAILs), compiles it and prints whether the condition groups it compiles (the root's
    condition task, the groups' components, the containerize task in them) equal ours.
run PIPELINE.yaml PIPELINE_ROOT REPOSITORY COMMIT [BRANCH]
    Runs the pipeline with kfp.local's DockerRunner (the Docker API at DOCKER_HOST, here podman's
    service) and prints the pipeline's verdict output and where the task outputs lie.
"""
import glob
import json
import os
import sys

import yaml
from google.protobuf import json_format
from kfp import compiler, components, dsl
from kfp.pipeline_spec import pipeline_spec_pb2


def validate(path, out):
    with open(path) as f:
        tree = yaml.safe_load(f)
    spec = json_format.ParseDict(tree, pipeline_spec_pb2.PipelineSpec())
    comp = components.load_component_from_file(path)

    @dsl.pipeline(name='uses-mlci')
    def uses():
        comp()

    compiler.Compiler().compile(uses, out)
    with open(out) as f:
        compiled = yaml.safe_load(f)
    executors = {}
    for name, e in spec.deployment_spec.fields['executors'].struct_value.fields.items():
        c = json_format.MessageToDict(e.struct_value)['container']
        executors[name] = {'image': c['image'], 'command': c['command'], 'args': c['args'],
                           'resources': c.get('resources', {})}
    print(json.dumps({
        'name': spec.pipeline_info.name,
        'schema_version': spec.schema_version,
        'tasks': {k: {'deps': list(t.dependent_tasks),
                      'retry': t.retry_policy.max_retry_count} for k, t in spec.root.dag.tasks.items()},
        'inputs': sorted(spec.root.input_definitions.parameters.keys()),
        'outputs': sorted(spec.root.output_definitions.parameters.keys()),
        'executors': executors,
        'component_name': comp.name,
        'compiled_components': sorted(compiled['components'].keys()),
    }))


def classification(path):
    with open(path) as f:
        ours = json.load(f)
    m = dsl.ClassificationMetrics()
    cm = ours['confusionMatrix']
    m.log_confusion_matrix([s['displayName'] for s in cm['annotationSpecs']],
                           [r['row'] for r in cm['rows']])
    if 'confidenceMetrics' in ours:
        c = ours['confidenceMetrics']
        m.log_roc_curve([p['falsePositiveRate'] for p in c], [p['recall'] for p in c],
                        [p['confidenceThreshold'] for p in c])
    print(json.dumps({'equal': m.metadata == ours, 'points': len(ours.get('confidenceMetrics', [])),
                      'classes': len(cm['annotationSpecs'])}))


def conditions(path, out):
    """The SDK's compilation of mlci's pipeline shape: container components with the signatures
    of mlci's (their images and commands do not matter here), the containerize task under
    dsl.If(branch == target_branch) and, inside, dsl.If(gate verdict != 'FAIL')."""
    A, M = dsl.Artifact, dsl.Model

    def spec():
        return dsl.ContainerSpec(image='example.com/x', command=['true'])

    @dsl.container_component
    def checkout(git_commit: str, repository: str, workspace: dsl.Output[A]):
        return spec()

    @dsl.container_component
    def train(data_digest: str, workspace: dsl.Input[A], model: dsl.Output[M]):
        return spec()

    @dsl.container_component
    def gate(target_branch: str, model: dsl.Input[M], workspace: dsl.Input[A],
             reports: dsl.Output[A], verdict: dsl.OutputPath(str)):
        return spec()

    @dsl.container_component
    def containerize(image_target: str, serving_base: str, model: dsl.Input[M],
                     workspace: dsl.Input[A], image: dsl.Output[A]):
        return spec()

    @dsl.pipeline(name='sdk')
    def sdk(repository: str, git_commit: str, data_digest: str, target_branch: str, branch: str,
            serving_base: str, image_target: str) -> str:
        c = checkout(git_commit=git_commit, repository=repository)
        t = train(data_digest=data_digest, workspace=c.outputs['workspace'])
        g = gate(target_branch=target_branch, model=t.outputs['model'],
                 workspace=c.outputs['workspace'])
        with dsl.If(branch == target_branch):
            with dsl.If(g.outputs['verdict'] != 'FAIL'):
                containerize(image_target=image_target, serving_base=serving_base,
                             model=t.outputs['model'], workspace=c.outputs['workspace'])
        return g.outputs['verdict']

    compiler.Compiler().compile(sdk, out)
    with open(out) as f:
        theirs = yaml.safe_load(f)
    with open(path) as f:
        ours = yaml.safe_load(f)
    parts = {
        'root_task': lambda p: p['root']['dag']['tasks']['condition-1'],
        'comp-condition-1': lambda p: p['components']['comp-condition-1'],
        'comp-condition-2': lambda p: p['components']['comp-condition-2'],
        'comp-containerize': lambda p: p['components']['comp-containerize'],
    }
    result = {}
    for name, get in parts.items():
        a, b = get(ours), get(theirs)
        result[name] = a == b
        if a != b:
            result[name + '_ours'] = a
            result[name + '_sdk'] = b
    result['condition'] = theirs['root']['dag']['tasks']['condition-1']['triggerPolicy']['condition']
    print(json.dumps(result))


def podman_compatible_errors():
    """Podman's Docker-compatible API answers a request about a container that is gone (the runner
    starts containers with auto_remove=True) with 500 "no such container" where Docker answers 404,
    which docker-py raises as NotFound and kfp.local's DockerRunner handles (a container that exited
    and was removed before its logs were read). This maps podman's answer to Docker's, nothing else;
    since the exit code is then lost, KfpPipelineIT checks every container's exit code in podman's
    events instead."""
    import docker
    import docker.api.client as api_client
    original = api_client.create_api_error_from_http_exception

    def mapped(e):
        response = e.response
        if response is not None and response.status_code == 500 and 'no such container' in response.text:
            raise docker.errors.NotFound(e, response=response, explanation=response.text) from e
        return original(e)

    api_client.create_api_error_from_http_exception = mapped


def run(path, root, repository, commit, branch=None):
    import docker
    from kfp import local
    podman_compatible_errors()
    local.init(
        runner=local.DockerRunner(
            network_mode='host',
            user='0',
            ulimits=[docker.types.Ulimit(name='nofile', soft=20000, hard=20000),
                     docker.types.Ulimit(name='nproc', soft=4096, hard=4096)]),
        pipeline_root=root,
        raise_on_error=True)
    comp = components.load_component_from_file(path)
    before = set(os.listdir(root))
    args = {'repository': repository, 'git_commit': commit}
    if branch is not None:
        args['branch'] = branch
    task = comp(**args)
    # This run's folder only (the root may hold earlier runs' folders and the repository).
    runs = sorted(set(os.listdir(root)) - before)

    def find(*parts):
        return sorted(p for r in runs for p in glob.glob(os.path.join(root, r, '**', *parts),
                                                         recursive=True))

    metrics = find('evaluate', 'metrics')
    images = find('containerize', 'image')
    reports = find('gate', 'reports')
    classification = find('evaluate', 'classification_metrics')
    print(json.dumps({'verdict': task.output, 'metrics': metrics, 'reports': reports,
                      'classification_metrics': classification, 'images': images}))


if __name__ == '__main__':
    if sys.argv[1] == 'validate':
        validate(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'conditions':
        conditions(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'classification':
        classification(sys.argv[2])
    else:
        run(*sys.argv[2:7])
