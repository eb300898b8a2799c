package dev.mlci.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InlineScoringTest {
  private static final long FAST = 50_000;
  private static final long SLOW = 20_000_000;

  @Test
  void nothingGoesInlineBeforeASmallRequestHasBeenTimed() {
    InlineScoring scoring = new InlineScoring();
    assertFalse(scoring.inline(100, false));
    scoring.observed(InlineScoring.MAX_BODY_BYTES + 1, false, FAST);
    scoring.observed(100, true, FAST);
    assertFalse(scoring.inline(100, false), "large or compressed bodies do not count");
  }

  @Test
  void aFastModelsSmallUncompressedBodiesGoInline() {
    InlineScoring scoring = new InlineScoring();
    scoring.observed(100, false, FAST);
    assertTrue(scoring.inline(100, false));
    assertTrue(scoring.inline(InlineScoring.MAX_BODY_BYTES, false));
    assertFalse(scoring.inline(InlineScoring.MAX_BODY_BYTES + 1, false));
    assertFalse(scoring.inline(100, true));
  }

  @Test
  void aModelThatTurnsSlowGoesBackToTheInferenceThreadsAndReturnsWhenFastAgain() {
    InlineScoring scoring = new InlineScoring();
    scoring.observed(100, false, FAST);
    scoring.observed(100, false, SLOW);
    assertFalse(scoring.inline(100, false), "one 20 ms request lifts the mean over the budget");
    int fastRequests = 0;
    while (!scoring.inline(100, false)) {
      scoring.observed(100, false, FAST);
      fastRequests++;
      assertTrue(fastRequests < 100, "the mean never came back under the budget");
    }
    assertTrue(
        fastRequests > 5, "a single fast request should not undo a slow one: " + fastRequests);
  }

  @Test
  void aSlowModelNeverGoesInline() {
    InlineScoring scoring = new InlineScoring();
    for (int i = 0; i < 1_000; i++) {
      scoring.observed(100, false, SLOW);
      assertFalse(scoring.inline(100, false));
    }
  }
}
