package dev.mlci.jenkins

import org.junit.Test

import static org.junit.Assert.assertEquals

/**
 * The library's launcher resource (MlciCli.LAUNCHER) is the repository's ./mlci, not a copy that
 * drifted from it.
 */
class LauncherTest {
  static final String RESOURCE = 'resources/dev/mlci/jenkins/mlci'

  @Test
  void theLauncherResourceIsTheRepositorysLauncher() {
    assertEquals("copy ../mlci to ${RESOURCE}".toString(),
        new File('../mlci').getText('UTF-8'), new File(RESOURCE).getText('UTF-8'))
  }
}
