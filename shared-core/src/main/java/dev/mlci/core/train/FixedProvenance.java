package dev.mlci.core.train;

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import com.oracle.labs.mlrg.olcut.provenance.io.FlatMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ListMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.MapMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.ObjectMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.io.SimpleMarshalledProvenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.DateTimeProvenance;
import dev.mlci.core.data.TribuoData;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.ModelProvenance;

/**
 * Makes a trained model's bytes depend only on its inputs. Tribuo stamps the wall-clock time into
 * the model's provenance ("trained-at") and into every nested provenance that has a time; this
 * rewrites each of those times to {@link TribuoData#FIXED_TIME}, keeping everything else (trainer,
 * parameters, data, Java and OS versions).
 */
final class FixedProvenance {
  private FixedProvenance() {}

  /**
   * A copy of {@code model} whose provenance carries the fixed time. An ensemble's members carry
   * provenances of their own (each tree of a random forest has its "trained-at"), so they are fixed
   * first.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <M extends Model<?>> M fix(M model) {
    ModelProvenance provenance = fixedProvenance(model.getProvenance());
    // Tribuo swaps a model's provenance through its protected copy methods (its
    // provenance-stripping tool does the
    // same); they are reached reflectively here. Pinned to Tribuo 4.3.x and guarded by
    // DeterminismTest.
    if (model instanceof EnsembleModel<?> ensemble) {
      List<Model> members = new ArrayList<>();
      for (Model<?> member : ensemble.getModels()) {
        members.add(fix(member));
      }
      return (M)
          invoke(
              EnsembleModel.class,
              "copy",
              new Class<?>[] {String.class, EnsembleModelProvenance.class, List.class},
              model,
              model.getName(),
              provenance,
              members);
    }
    return (M)
        invoke(
            Model.class,
            "copy",
            new Class<?>[] {String.class, ModelProvenance.class},
            model,
            model.getName(),
            provenance);
  }

  private static ModelProvenance fixedProvenance(ModelProvenance original) {
    List<ObjectMarshalledProvenance> fixed = new ArrayList<>();
    for (ObjectMarshalledProvenance o : ProvenanceUtil.marshalProvenance(original)) {
      fixed.add(
          new ObjectMarshalledProvenance(
              o.getName(), fixMap(o.getMap()), o.getObjectClassName(), o.getProvenanceClassName()));
    }
    return (ModelProvenance) ProvenanceUtil.unmarshalProvenance(fixed);
  }

  private static Object invoke(
      Class<?> owner, String name, Class<?>[] types, Object target, Object... args) {
    try {
      Method method = owner.getDeclaredMethod(name, types);
      method.setAccessible(true);
      return method.invoke(target, args);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("this Tribuo version cannot re-stamp model provenance", e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("re-stamping the model provenance failed", e.getCause());
    }
  }

  private static Map<String, FlatMarshalledProvenance> fixMap(
      Map<String, FlatMarshalledProvenance> map) {
    Map<String, FlatMarshalledProvenance> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, fixFlat(v)));
    return out;
  }

  private static FlatMarshalledProvenance fixFlat(FlatMarshalledProvenance p) {
    if (p instanceof SimpleMarshalledProvenance s
        && s.getProvenanceClassName().equals(DateTimeProvenance.class.getName())) {
      return new SimpleMarshalledProvenance(
          s.getKey(),
          TribuoData.FIXED_TIME.toString(),
          s.getProvenanceClassName(),
          s.isReference(),
          s.getAdditional());
    }
    if (p instanceof ListMarshalledProvenance list) {
      List<FlatMarshalledProvenance> items = new ArrayList<>();
      list.getList().forEach(i -> items.add(fixFlat(i)));
      return new ListMarshalledProvenance(items);
    }
    if (p instanceof MapMarshalledProvenance map) {
      Map<String, FlatMarshalledProvenance> entries = new LinkedHashMap<>();
      map.forEach(pair -> entries.put(pair.getA(), fixFlat(pair.getB())));
      return new MapMarshalledProvenance(entries);
    }
    return p;
  }
}
