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
    gate FAILs, register after it when mlflow_tracking_uri is set), compiles it and prints whether
    the condition groups it compiles (the root's condition task, the groups' components, the
    containerize and register components in them) and the MLflow link's wiring equal ours.
run PIPELINE.yaml PIPELINE_ROOT REPOSITORY COMMIT [NAME=VALUE ...]
    Runs the pipeline with kfp.local's DockerRunner (the Docker API at DOCKER_HOST, here podman's
    service), its parameters repository and git_commit and any NAME=VALUE given (branch=main,
    mlflow_tracking_uri=...), and prints the pipeline's verdict output, where the task outputs lie
    and the register task's model_version output parameter(s).
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
    of mlci's (their images and commands do not matter here), the MLflow link handed from train to
    evaluate to gate, the containerize task under dsl.If(branch == target_branch) and, inside,
    dsl.If(gate verdict != 'FAIL'), and after it register, inside dsl.If(mlflow_tracking_uri != '')."""
    A, M = dsl.Artifact, dsl.Model

    def spec():
        return dsl.ContainerSpec(image='example.com/x', command=['true'])

    @dsl.container_component
    def checkout(git_commit: str, repository: str, workspace: dsl.Output[A]):
        return spec()

    @dsl.container_component
    def train(data_digest: str, mlflow_tracking_uri: str, workspace: dsl.Input[A],
              model: dsl.Output[M], tracking: dsl.Output[A]):
        return spec()

    @dsl.container_component
    def evaluate(mlflow_tracking_uri: str, model: dsl.Input[M], tracking_in: dsl.Input[A],
                 workspace: dsl.Input[A], classification_metrics: dsl.Output[dsl.ClassificationMetrics],
                 evaluation: dsl.Output[A], metrics: dsl.Output[dsl.Metrics],
                 tracking: dsl.Output[A]):
        return spec()

    @dsl.container_component
    def gate(mlflow_tracking_uri: str, target_branch: str, evaluation: dsl.Input[A],
             model: dsl.Input[M], tracking_in: dsl.Input[A], workspace: dsl.Input[A],
             bundle: dsl.Output[A], reports: dsl.Output[A], tracking: dsl.Output[A],
             verdict: dsl.OutputPath(str)):
        return spec()

    @dsl.container_component
    def containerize(image_target: str, serving_base: str, model: dsl.Input[M],
                     workspace: dsl.Input[A], image: dsl.Output[A]):
        return spec()

    @dsl.container_component
    def register(mlflow_tracking_uri: str, model_alias: str, image: dsl.Input[A],
                 model: dsl.Input[M], tracking_in: dsl.Input[A], workspace: dsl.Input[A],
                 model_version: dsl.OutputPath(str)):
        return spec()

    @dsl.pipeline(name='sdk')
    def sdk(repository: str, git_commit: str, data_digest: str, target_branch: str, branch: str,
            serving_base: str, image_target: str, mlflow_tracking_uri: str,
            model_alias: str) -> str:
        c = checkout(git_commit=git_commit, repository=repository)
        w = c.outputs['workspace']
        t = train(data_digest=data_digest, mlflow_tracking_uri=mlflow_tracking_uri, workspace=w)
        e = evaluate(mlflow_tracking_uri=mlflow_tracking_uri, model=t.outputs['model'],
                     tracking_in=t.outputs['tracking'], workspace=w)
        g = gate(mlflow_tracking_uri=mlflow_tracking_uri, target_branch=target_branch,
                 evaluation=e.outputs['evaluation'], model=t.outputs['model'],
                 tracking_in=e.outputs['tracking'], workspace=w)
        with dsl.If(branch == target_branch):
            with dsl.If(g.outputs['verdict'] != 'FAIL'):
                image = containerize(image_target=image_target, serving_base=serving_base,
                                     model=t.outputs['model'], workspace=w)
                with dsl.If(mlflow_tracking_uri != ''):
                    register(mlflow_tracking_uri=mlflow_tracking_uri, model_alias=model_alias,
                             image=image.outputs['image'], model=t.outputs['model'],
                             tracking_in=g.outputs['tracking'], workspace=w)
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
        'comp-condition-3': lambda p: p['components']['comp-condition-3'],
        'comp-containerize': lambda p: p['components']['comp-containerize'],
        'comp-register': lambda p: p['components']['comp-register'],
        'root_tasks': lambda p: sorted(p['root']['dag']['tasks']),
    }
    # The MLflow link handed from train to evaluate to gate: their components (inputs and outputs,
    # for a classifier as the pipeline here is) and their tasks (inputs, dependencies).
    for task in ('train', 'evaluate', 'gate'):
        parts['comp-' + task] = (
            lambda p, task=task: {k: v for k, v in p['components']['comp-' + task].items()
                                  if k != 'executorLabel'})
        parts['task-' + task] = lambda p, task=task: p['root']['dag']['tasks'][task]
    result = {}
    for name, get in parts.items():
        try:
            a = get(ours)
        except KeyError as e:
            a = 'missing ' + str(e)
        b = get(theirs)
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


def run(path, root, repository, commit, *params):
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
    args.update(p.split('=', 1) for p in params)
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
    versions = []
    for f in find('register', 'model_version'):
        with open(f) as v:
            versions.append(v.read())
    print(json.dumps({'verdict': task.output, 'metrics': metrics, 'reports': reports,
                      'classification_metrics': classification, 'images': images,
                      'model_versions': versions}))


if __name__ == '__main__':
    if sys.argv[1] == 'validate':
        validate(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'conditions':
        conditions(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'classification':
        classification(sys.argv[2])
    else:
        run(*sys.argv[2:])
