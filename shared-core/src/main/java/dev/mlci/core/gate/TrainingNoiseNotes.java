package dev.mlci.core.gate;

import dev.mlci.core.config.GateConfig;
import java.util.ArrayList;
import java.util.List;

/** What the gate's notes say about {@code gate.training_noise}. */
final class TrainingNoiseNotes {
  private TrainingNoiseNotes() {}

  static List<String> of(
      GateConfig config,
      int candidateSeeds,
      TestSetAlignment.Aligned aligned,
      BaselineInfo baselineInfo) {
    List<String> notes = new ArrayList<>();
    if (candidateSeeds <= 1) {
      if (config.trainingNoise()) {
        notes.add(
            "gate.training_noise asks for "
                + config.trainingSeeds()
                + " seeds, but the candidate's evaluation holds one training: evaluate it again (the"
                + " evaluate step, or the whole run) so that retraining noise is counted.");
      }
      return notes;
    }
    StringBuilder sb =
        new StringBuilder("Training noise: the candidate was trained with ")
            .append(candidateSeeds)
            .append(" seeds derived from model.seed; the intervals resample seeds as well as")
            .append(" examples (a two-level bootstrap), so a change that only moves training's")
            .append(" luck is not blamed on the model.");
    if (aligned != null) {
      int baseSeeds = aligned.baselines().size();
      if (baseSeeds > 1) {
        sb.append(" The baseline holds ").append(baseSeeds).append(" seeds of its own.");
      } else {
        sb.append(" The baseline (")
            .append(baselineInfo.source())
            .append(") holds one training, so its between-seed variance is taken to be the")
            .append(" candidate's (equal under a change that does nothing); record baselines")
            .append(" with gate.training_noise on to measure it.");
      }
    }
    notes.add(sb.toString());
    return notes;
  }
}
