package dev.mlci.core.train;

import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.tribuo.Dataset;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.Trainer;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;
import org.tribuo.provenance.impl.TrainerProvenanceImpl;

/**
 * Tribuo's trainer contract (invocation count, provenance) for mlci's full-batch linear solvers,
 * once: a subclass fits the dense design matrix and records how its solver ended.
 *
 * @param <T> the output type
 */
abstract class FullBatchTrainer<T extends Output<T>> implements Trainer<T> {
  private int invocationCount = 0;

  /**
   * Fits {@code examples}.
   *
   * @param instance the run's provenance, to which the solver adds its own entries
   * @param provenance builds the model's provenance from {@code instance} once it is complete
   */
  abstract Model<T> fit(
      FitInput<T> examples,
      Map<String, Provenance> instance,
      Function<Map<String, Provenance>, ModelProvenance> provenance);

  /** The Tribuo model class whose provenance the fitted model carries. */
  abstract Class<?> modelClass();

  @Override
  public final Model<T> train(Dataset<T> examples, Map<String, Provenance> runProvenance) {
    return train(examples, runProvenance, INCREMENT_INVOCATION_COUNT);
  }

  @Override
  public final Model<T> train(
      Dataset<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
    return train(FitInput.of(examples), runProvenance, invocationCount);
  }

  /**
   * Trains on {@code examples} as {@link #train(Dataset)} trains on the Tribuo dataset they were
   * read from: the same model, with no dataset built.
   */
  final Model<T> train(FitInput<T> examples) {
    return train(examples, Map.of(), INCREMENT_INVOCATION_COUNT);
  }

  private synchronized Model<T> train(
      FitInput<T> examples, Map<String, Provenance> runProvenance, int invocationCount) {
    if (invocationCount != INCREMENT_INVOCATION_COUNT) {
      setInvocationCount(invocationCount);
    }
    TrainerProvenance trainerProvenance = getProvenance();
    this.invocationCount++;
    return fit(
        examples,
        new LinkedHashMap<>(runProvenance),
        instance ->
            new ModelProvenance(
                modelClass().getName(),
                OffsetDateTime.now(),
                examples.provenance(),
                trainerProvenance,
                instance));
  }

  @Override
  public final int getInvocationCount() {
    return invocationCount;
  }

  @Override
  public final synchronized void setInvocationCount(int invocationCount) {
    if (invocationCount < 0) {
      throw new IllegalArgumentException("invocation count must be non-negative");
    }
    this.invocationCount = invocationCount;
  }

  @Override
  public final TrainerProvenance getProvenance() {
    return new TrainerProvenanceImpl(this);
  }
}
