"""Writes the small ONNX models OnnxGraphTest feeds (run from this folder: python3 make_models.py).

Each model's output is a known function of its inputs, so a test can tell that every input got its
column's values: the per-column form with double, int64, string and rank-1 float inputs, and the
tensor form in float and double.
"""
import onnx
from onnx import TensorProto, helper


def save(name, nodes, inputs, outputs, inits=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("ai.onnx.ml", 2)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")


def const(name, value):
    return helper.make_tensor(name, TensorProto.DOUBLE, [], [value])


# value = a + 10 b + 100 code(c) + 1000 d, code: "x" -> 1, "y" -> 2, anything else -> 0.
save(
    "columns_regression",
    [
        helper.make_node("Cast", ["b"], ["bd"], to=TensorProto.DOUBLE),
        helper.make_node("LabelEncoder", ["c"], ["cf"], domain="ai.onnx.ml",
                         keys_strings=["x", "y"], values_floats=[1.0, 2.0], default_float=0.0),
        helper.make_node("Cast", ["cf"], ["cd"], to=TensorProto.DOUBLE),
        helper.make_node("Unsqueeze", ["d", "axis1"], ["d2"]),
        helper.make_node("Cast", ["d2"], ["dd"], to=TensorProto.DOUBLE),
        helper.make_node("Mul", ["bd", "ten"], ["b10"]),
        helper.make_node("Mul", ["cd", "hundred"], ["c100"]),
        helper.make_node("Mul", ["dd", "thousand"], ["d1000"]),
        helper.make_node("Sum", ["a", "b10", "c100", "d1000"], ["variable"]),
    ],
    [
        helper.make_tensor_value_info("a", TensorProto.DOUBLE, [None, 1]),
        helper.make_tensor_value_info("b", TensorProto.INT64, [None, 1]),
        helper.make_tensor_value_info("c", TensorProto.STRING, [None, 1]),
        helper.make_tensor_value_info("d", TensorProto.FLOAT, [None]),
    ],
    [helper.make_tensor_value_info("variable", TensorProto.DOUBLE, [None, 1])],
    [const("ten", 10.0), const("hundred", 100.0), const("thousand", 1000.0),
     helper.make_tensor("axis1", TensorProto.INT64, [1], [1])],
)

# value = x0 + 10 x1 + 100 x2 from one tensor [N, 3], as float and as double.
for name, t in (("tensor_float", TensorProto.FLOAT), ("tensor_double", TensorProto.DOUBLE)):
    save(
        name,
        [helper.make_node("MatMul", ["X", "W"], ["variable"])],
        [helper.make_tensor_value_info("X", t, [None, 3])],
        [helper.make_tensor_value_info("variable", t, [None, 1])],
        [helper.make_tensor("W", t, [3, 1], [1.0, 10.0, 100.0])],
    )

# A classifier over one string column: the level's class with probability 0.9, as skl2onnx's
# ZipMap; an unknown level gives NaN probabilities (what a pipeline without handling gives).
save(
    "columns_zipmap",
    [
        helper.make_node("LabelEncoder", ["colour"], ["code"], domain="ai.onnx.ml",
                         keys_strings=["red", "blue"], values_int64s=[0, 1], default_int64=2),
        helper.make_node("Squeeze", ["code", "axis1"], ["code1"]),
        helper.make_node("Gather", ["table", "code1"], ["probs"], axis=0),
        helper.make_node("ArgMax", ["probs"], ["index"], axis=1, keepdims=0),
        helper.make_node("Gather", ["classes", "index"], ["output_label"], axis=0),
        helper.make_node("ZipMap", ["probs"], ["output_probability"], domain="ai.onnx.ml",
                         classlabels_strings=["no", "yes"]),
    ],
    [helper.make_tensor_value_info("colour", TensorProto.STRING, [None, 1])],
    [
        helper.make_tensor_value_info("output_label", TensorProto.STRING, [None]),
        helper.make_value_info(
            "output_probability",
            helper.make_sequence_type_proto(
                helper.make_map_type_proto(TensorProto.STRING,
                                           helper.make_tensor_type_proto(TensorProto.FLOAT, [])))),
    ],
    [
        helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
        helper.make_tensor("table", TensorProto.FLOAT, [3, 2],
                           [0.9, 0.1, 0.1, 0.9, float("nan"), float("nan")]),
        helper.make_tensor("classes", TensorProto.STRING, [2], [b"no", b"yes"]),
    ],
)
