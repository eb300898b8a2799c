package dev.mlci.jenkins

import java.nio.file.Files
import java.nio.file.Path

/**
 * Debian's docker-registry (the CNCF distribution registry) on a loopback port with its own
 * storage: the real registry mlContainerize pushes to in the tests (as example-repos' ImageIT).
 */
class LocalRegistry implements Closeable {
  final Process process
  final int port

  private LocalRegistry(Process process, int port) {
    this.process = process
    this.port = port
  }

  static LocalRegistry start(Path dir) {
    int port = new ServerSocket(0).withCloseable { it.localPort }
    Path storage = Files.createDirectories(dir.resolve('storage'))
    Path config = dir.resolve('config.yml')
    config.text = "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: ${storage}\n" +
        "http:\n  addr: 127.0.0.1:${port}\n"
    Path log = dir.resolve('registry.log')
    Process p = new ProcessBuilder('docker-registry', 'serve', config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start()
    for (int i = 0; i < 100; i++) {
      try {
        new Socket('127.0.0.1', port).close()
        return new LocalRegistry(p, port)
      } catch (IOException ignored) {
        if (!p.alive) {
          throw new IOException("docker-registry exited: ${log.text}")
        }
        Thread.sleep(100)
      }
    }
    p.destroyForcibly()
    throw new IOException("docker-registry did not listen on port ${port}")
  }

  String host() {
    return "127.0.0.1:${port}"
  }

  /** The HTTP status of GET /v2/REPOSITORY/manifests/REFERENCE: 200 when the registry holds it. */
  int manifestStatus(String repository, String reference) {
    HttpURLConnection c = (HttpURLConnection) new URL("http://${host()}/v2/${repository}/manifests/${reference}").openConnection()
    c.setRequestProperty('Accept', 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json')
    try {
      return c.responseCode
    } finally {
      c.disconnect()
    }
  }

  /** The repositories the registry holds (GET /v2/_catalog). */
  List<String> repositories() {
    def catalog = new groovy.json.JsonSlurper().parseText(new URL("http://${host()}/v2/_catalog").text)
    return catalog.repositories as List<String>
  }

  @Override
  void close() {
    process.destroy()
  }
}
