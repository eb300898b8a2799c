package dev.mlci.core.model;

import com.oracle.labs.mlrg.olcut.provenance.ObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.FlatMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ListMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.MapMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ObjectMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.SimpleMarshalledProvenance;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tribuo's provenance in JSON: OLCUT's marshalled form (the one Tribuo itself reads back with
 * {@code ProvenanceUtil.unmarshalProvenance}), one object per provenance with its fields.
 */
final class TribuoProvenanceJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TribuoProvenanceJson() {}

  static ArrayNode toJson(ObjectProvenance provenance) {
    List<ObjectMarshalledProvenance> marshalled = ProvenanceUtil.marshalProvenance(provenance);
    ArrayNode out = F.arrayNode();
    for (ObjectMarshalledProvenance o : marshalled) {
      ObjectNode obj = out.addObject();
      obj.put("name", o.getName());
      obj.put("object_class", o.getObjectClassName());
      obj.put("provenance_class", o.getProvenanceClassName());
      ObjectNode fields = obj.putObject("fields");
      o.getMap().forEach((k, v) -> fields.set(k, flat(v)));
    }
    return out;
  }

  private static JsonNode flat(FlatMarshalledProvenance p) {
    if (p instanceof SimpleMarshalledProvenance s) {
      ObjectNode n = F.objectNode();
      n.put("value", s.getValue());
      n.put("provenance_class", s.getProvenanceClassName());
      if (s.isReference()) {
        n.put("reference", true);
      }
      if (!s.getAdditional().isEmpty()) {
        n.put("additional", s.getAdditional());
      }
      return n;
    }
    if (p instanceof ListMarshalledProvenance list) {
      ArrayNode a = F.arrayNode();
      list.getList().forEach(i -> a.add(flat(i)));
      return a;
    }
    if (p instanceof MapMarshalledProvenance map) {
      ObjectNode n = F.objectNode();
      map.forEach(pair -> n.set(pair.getA(), flat(pair.getB())));
      return n;
    }
    return F.stringNode(String.valueOf(p));
  }
}
