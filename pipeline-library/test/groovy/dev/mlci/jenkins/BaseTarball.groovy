package dev.mlci.jenkins

import java.nio.file.Path
import java.security.MessageDigest

/**
 * The smallest docker-save tarball Jib accepts as a base image (one layer with one file): enough
 * for mlContainerize's plumbing; it holds no Java, so the image it makes does not run.
 */
class BaseTarball {
  static Path write(Path dir) {
    byte[] layer = tar(['hello.txt': 'base layer\n'.bytes])
    String diffId = 'sha256:' + MessageDigest.getInstance('SHA-256').digest(layer).encodeHex().toString()
    String config = """{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/bin:/bin"]},""" +
        """"rootfs":{"type":"layers","diff_ids":["${diffId}"]},"history":[{"created":"1970-01-01T00:00:00Z"}]}"""
    String manifest = """[{"Config":"config.json","RepoTags":["mlci-test/base:latest"],"Layers":["layer.tar"]}]"""
    Path tarball = dir.resolve('base.tar')
    tarball.bytes = tar(['manifest.json': manifest.bytes, 'config.json': config.bytes, 'layer.tar': layer])
    return tarball
  }

  /** A ustar archive of regular files. */
  static byte[] tar(Map<String, byte[]> files) {
    ByteArrayOutputStream out = new ByteArrayOutputStream()
    files.each { String name, byte[] content ->
      byte[] header = new byte[512]
      put(header, 0, name, 100)
      put(header, 100, '0000644', 8)
      put(header, 108, '0000000', 8)
      put(header, 116, '0000000', 8)
      put(header, 124, String.format('%011o', content.length), 12)
      put(header, 136, String.format('%011o', 0), 12)
      for (int i = 148; i < 156; i++) {
        header[i] = (byte) ' '
      }
      header[156] = (byte) '0'
      put(header, 257, 'ustar', 6)
      put(header, 263, '00', 2)
      long sum = 0
      for (byte b : header) {
        sum += (b & 0xff)
      }
      put(header, 148, String.format('%06o', sum), 7)
      header[155] = (byte) ' '
      out.write(header)
      out.write(content)
      int pad = (512 - content.length % 512) % 512
      out.write(new byte[pad])
    }
    out.write(new byte[1024])
    return out.toByteArray()
  }

  private static void put(byte[] header, int offset, String value, int length) {
    byte[] bytes = value.getBytes('US-ASCII')
    System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length))
  }
}
