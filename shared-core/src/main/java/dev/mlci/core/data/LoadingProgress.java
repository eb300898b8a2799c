package dev.mlci.core.data;

import dev.mlci.core.progress.ProgressListener;

/**
 * Reports the rows of a data file read so far to a {@link ProgressListener}, as the task "reading
 * FILE" in rows. A file is not counted before it is read, so the total is estimated once, from the
 * bytes the first rows took; the renderer shows the rate and the time left from it. Small files
 * (fewer rows than one report interval) show nothing.
 */
final class LoadingProgress implements RowParser.Progress {
  private final ProgressListener listener;
  private boolean started;

  LoadingProgress(ProgressListener listener) {
    this.listener = listener;
  }

  @Override
  public void rows(String display, long rows, long bytesRead, long fileBytes) {
    if (!started) {
      if (bytesRead <= 0 || rows <= 0) {
        return;
      }
      long estimate = Math.max(rows, Math.round((double) rows * fileBytes / bytesRead));
      listener.start("reading " + display, estimate, "rows");
      started = true;
    }
    listener.advance(rows);
  }

  @Override
  public void done(String display, long rows) {
    if (started) {
      listener.advance(rows);
      listener.finish();
      started = false;
    }
  }
}
