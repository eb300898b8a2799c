package dev.mlci.core.data;

import dev.mlci.core.errors.BadInputException;
import dev.mlci.core.errors.MlciException;
import dev.mlci.core.errors.Problem;
import dev.mlci.format.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.DummyRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The rows of a Parquet file, or of a folder of Parquet part files read in name order, streamed one
 * row at a time over the columns the model uses (projection: the other columns are not decoded).
 * Flat schemas only: each column a top-level optional or required primitive. Booleans and integer,
 * floating-point and decimal numbers are read as numbers; strings (and unannotated binary) as text,
 * which the column rules then read as categories or numbers as in a CSV; nulls are missing values.
 * A row is named by its part file and its 1-based row in it.
 */
final class ParquetSource implements RowSource {
  private final String display;
  private final List<Path> parts;
  private final List<String> partDisplays;
  private final List<String> header;
  private final List<PrimitiveType> types;
  private final long rows;
  private final long bytes;
  private final boolean folder;

  private boolean[] used;
  private MessageType projected;
  private int part = -1;
  private ParquetFileReader reader;
  private String partDisplay;
  private ColumnReader[] readers;
  private long groupRowsLeft;
  private int rowInPart;
  private long rowsRead;

  private final boolean[] isNull;
  private final double[] numbers;
  private final long[] longs;
  private final String[] texts;

  /** Whether {@code file} is read as Parquet: a {@code .parquet} file, or a folder of them. */
  static boolean isParquet(Path file) {
    if (Files.isDirectory(file)) {
      return true;
    }
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
  }

  private ParquetSource(
      String display,
      List<Path> parts,
      List<String> partDisplays,
      MessageType schema,
      long rows,
      long bytes,
      boolean folder) {
    this.folder = folder;
    this.display = display;
    this.parts = parts;
    this.partDisplays = partDisplays;
    this.rows = rows;
    this.bytes = bytes;
    List<String> names = new ArrayList<>();
    List<PrimitiveType> prims = new ArrayList<>();
    for (Type field : schema.getFields()) {
      names.add(field.getName());
      prims.add(
          field.isPrimitive() && field.getRepetition() != Type.Repetition.REPEATED
              ? field.asPrimitiveType()
              : null);
    }
    this.header = List.copyOf(names);
    this.types = prims;
    int n = names.size();
    isNull = new boolean[n];
    numbers = new double[n];
    longs = new long[n];
    texts = new String[n];
  }

  /**
   * Opens {@code file} (a Parquet file or a folder of part files) and reads the footers.
   *
   * @throws BadInputException for a folder without Parquet files, a file that is not Parquet, or
   *     parts whose schemas differ
   */
  static ParquetSource open(Path file, String display) throws IOException, BadInputException {
    List<Path> parts = new ArrayList<>();
    List<String> partDisplays = new ArrayList<>();
    if (Files.isDirectory(file)) {
      try (Stream<Path> list = Files.list(file)) {
        list.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet"))
            .filter(p -> !p.getFileName().toString().startsWith("."))
            .filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            .sorted()
            .forEach(parts::add);
      }
      if (parts.isEmpty()) {
        throw new BadInputException(
            Problem.in(
                display,
                "",
                "the folder holds no .parquet file.",
                "point the data path at a CSV file, a Parquet file, or a folder of Parquet part"
                    + " files (*.parquet)."));
      }
      for (Path p : parts) {
        partDisplays.add(display + "/" + p.getFileName());
      }
    } else {
      parts.add(file);
      partDisplays.add(display);
    }
    MessageType schema = null;
    long rows = 0;
    long bytes = 0;
    for (int i = 0; i < parts.size(); i++) {
      bytes += Files.size(parts.get(i));
      try (ParquetFileReader r = openPart(parts.get(i), partDisplays.get(i))) {
        MessageType s = r.getFooter().getFileMetaData().getSchema();
        if (schema == null) {
          schema = s;
        } else if (!schema.equals(s)) {
          throw new BadInputException(
              Problem.in(
                  partDisplays.get(i),
                  "",
                  "its schema differs from that of "
                      + partDisplays.get(0)
                      + " (the first part file): "
                      + s.toString().replaceAll("\\s+", " ").trim()
                      + ".",
                  "write every part of the data set with the same columns and types."));
        }
        rows += r.getRecordCount();
      }
    }
    if (schema.getFieldCount() > CsvReader.MAX_COLUMNS) {
      throw new BadInputException(
          Problem.in(
              partDisplays.get(0),
              "",
              "the file has "
                  + schema.getFieldCount()
                  + " columns; mlci reads at most "
                  + CsvReader.MAX_COLUMNS
                  + ".",
              "keep the columns the model uses (select them before writing the file), or reduce"
                  + " them (e.g. hashing or PCA) upstream."));
    }
    return new ParquetSource(
        display, parts, partDisplays, schema, rows, bytes, Files.isDirectory(file));
  }

  private static ParquetFileReader openPart(Path part, String display)
      throws IOException, BadInputException {
    try {
      return ParquetFileReader.open(
          new LocalInputFile(part),
          ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    } catch (RuntimeException | IOException e) {
      throw new BadInputException(
          Problem.in(
              display,
              "",
              "the file cannot be read as Parquet (" + message(e) + ").",
              "check that the file is complete and written as Parquet, or give a CSV file."));
    }
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
  }

  /**
   * Reads only the columns marked in {@code columns}; a column the model uses must be flat and of a
   * type mlci reads.
   */
  @Override
  public void use(boolean[] columns) throws BadInputException {
    for (int c = 0; c < columns.length; c++) {
      if (!columns[c]) {
        continue;
      }
      PrimitiveType t = types.get(c);
      if (t == null) {
        throw new BadInputException(
            Problem.in(
                display,
                header.get(c),
                "the column is a nested or repeated (list, map, struct) Parquet column; mlci reads"
                    + " flat columns of numbers, booleans and strings.",
                "flatten it into one column per value before writing the file, or leave it out of"
                    + " data.features."));
      }
      if (t.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96
          || (decimal(t) != null
              && t.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT32
              && t.getPrimitiveTypeName() != PrimitiveType.PrimitiveTypeName.INT64)) {
        throw new BadInputException(
            Problem.in(
                display,
                header.get(c),
                "the column's Parquet type ("
                    + t.toString().trim()
                    + ") is not one mlci reads (booleans, integers, floats, doubles, int-backed"
                    + " decimals and strings).",
                "cast it to double (or to string, for categories) before writing the file."));
      }
    }
    this.used = columns.clone();
  }

  private static LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal(PrimitiveType t) {
    return t.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d
        ? d
        : null;
  }

  @Override
  public String display() {
    return display;
  }

  @Override
  public String rowDisplay() {
    return partDisplay == null ? display : partDisplay;
  }

  @Override
  public List<String> header() {
    return header;
  }

  @Override
  public boolean next() throws IOException, MlciException {
    if (used == null) {
      boolean[] all = new boolean[header.size()];
      java.util.Arrays.fill(all, true);
      use(all);
    }
    while (groupRowsLeft == 0) {
      if (!nextGroup()) {
        return false;
      }
    }
    groupRowsLeft--;
    rowInPart++;
    rowsRead++;
    try {
      for (int c = 0; c < readers.length; c++) {
        ColumnReader r = readers[c];
        if (r == null) {
          continue;
        }
        read(c, r);
        r.consume();
      }
    } catch (ParquetDecodingException | IllegalArgumentException e) {
      throw new BadInputException(
          Problem.atRow(
              partDisplay,
              rowInPart,
              "",
              "the Parquet data cannot be decoded (" + message(e) + ").",
              "check that the file is complete; write it again."));
    }
    return true;
  }

  private void read(int c, ColumnReader r) {
    ColumnDescriptor d = r.getDescriptor();
    texts[c] = null;
    if (r.getCurrentDefinitionLevel() < d.getMaxDefinitionLevel()) {
      isNull[c] = true;
      return;
    }
    isNull[c] = false;
    PrimitiveType t = types.get(c);
    var decimal = decimal(t);
    switch (t.getPrimitiveTypeName()) {
      case BOOLEAN -> numbers[c] = r.getBoolean() ? 1 : 0;
      case INT32 -> {
        longs[c] = r.getInteger();
        numbers[c] = decimal == null ? longs[c] : scaled(longs[c], decimal.getScale());
      }
      case INT64 -> {
        longs[c] = r.getLong();
        numbers[c] = decimal == null ? longs[c] : scaled(longs[c], decimal.getScale());
      }
      case FLOAT -> numbers[c] = r.getFloat();
      case DOUBLE -> numbers[c] = r.getDouble();
      default -> texts[c] = r.getBinary().toStringUsingUTF8();
    }
  }

  private static double scaled(long unscaled, int scale) {
    return BigDecimal.valueOf(unscaled, scale).doubleValue();
  }

  private boolean nextGroup() throws IOException, BadInputException {
    PageReadStore group = null;
    while (group == null) {
      if (reader == null) {
        if (part + 1 >= parts.size()) {
          return false;
        }
        part++;
        partDisplay = partDisplays.get(part);
        rowInPart = 0;
        reader = openPart(parts.get(part), partDisplay);
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>();
        for (int c = 0; c < used.length; c++) {
          if (used[c]) {
            fields.add(schema.getType(c));
          }
        }
        projected = new MessageType(schema.getName(), fields);
        reader.setRequestedSchema(projected);
        requireCodecs(reader);
      }
      try {
        group = reader.readNextRowGroup();
      } catch (RuntimeException | IOException e) {
        throw new BadInputException(
            Problem.in(
                partDisplay,
                "",
                "the Parquet data cannot be read (" + message(e) + ").",
                "check that the file is complete; write it again."));
      }
      if (group == null) {
        reader.close();
        reader = null;
      }
    }
    ColumnReadStoreImpl store =
        new ColumnReadStoreImpl(
            group,
            new DummyRecordConverter(projected).getRootConverter(),
            projected,
            reader.getFooter().getFileMetaData().getCreatedBy());
    readers = new ColumnReader[used.length];
    for (int c = 0; c < used.length; c++) {
      if (used[c]) {
        readers[c] =
            store.getColumnReader(projected.getColumnDescription(new String[] {header.get(c)}));
      }
    }
    groupRowsLeft = group.getRowCount();
    return true;
  }

  /** zstd and the rarer codecs need native libraries mlci does not ship: say so, by file. */
  private void requireCodecs(ParquetFileReader r) throws BadInputException {
    for (BlockMetaData block : r.getRowGroups()) {
      for (ColumnChunkMetaData chunk : block.getColumns()) {
        if (!projected.containsPath(chunk.getPath().toArray())) {
          continue;
        }
        CompressionCodecName codec = chunk.getCodec();
        if (codec != CompressionCodecName.UNCOMPRESSED
            && codec != CompressionCodecName.SNAPPY
            && codec != CompressionCodecName.GZIP) {
          throw new BadInputException(
              Problem.in(
                  partDisplay,
                  chunk.getPath().toDotString(),
                  "the column is compressed with "
                      + codec
                      + "; mlci reads Parquet compressed with snappy (pyarrow's and Spark's"
                      + " default), gzip, or uncompressed.",
                  "write the file with compression='snappy' (pyarrow, pandas) or"
                      + " spark.sql.parquet.compression.codec=snappy."));
        }
      }
    }
  }

  @Override
  public int row() {
    return rowInPart;
  }

  @Override
  public int line() {
    return 0;
  }

  @Override
  public String text(int c) {
    if (isNull[c]) {
      return null;
    }
    if (texts[c] != null) {
      return texts[c];
    }
    PrimitiveType t = types.get(c);
    String s =
        switch (t.getPrimitiveTypeName()) {
          case BOOLEAN -> numbers[c] != 0 ? "true" : "false";
          case INT32, INT64 ->
              decimal(t) == null
                  ? Long.toString(longs[c])
                  : BigDecimal.valueOf(longs[c], decimal(t).getScale()).toPlainString();
          case FLOAT -> Float.toString((float) numbers[c]);
          default -> Double.toString(numbers[c]);
        };
    texts[c] = s;
    return s;
  }

  @Override
  public boolean typed(int c) {
    PrimitiveType t = types.get(c);
    return t != null
        && switch (t.getPrimitiveTypeName()) {
          case BOOLEAN, INT32, INT64, FLOAT, DOUBLE -> true;
          default -> false;
        };
  }

  @Override
  public boolean isNull(int c) {
    return isNull[c];
  }

  @Override
  public double number(int c) {
    return numbers[c];
  }

  @Override
  public long rowsAtMost() {
    return rows;
  }

  @Override
  public long fileBytes() {
    return bytes;
  }

  @Override
  public double fractionRead() {
    return rows <= 0 ? -1 : (double) rowsRead / rows;
  }

  /** One part: the SHA-256 of its bytes; a folder: of "name sha256\n" for each part in order. */
  @Override
  public String sha256() throws IOException {
    if (!folder) {
      return fileSha(parts.get(0));
    }
    MessageDigest all = Digests.sha256();
    for (Path p : parts) {
      all.update(
          (p.getFileName() + " " + fileSha(p) + "\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(all.digest());
  }

  private static String fileSha(Path p) throws IOException {
    MessageDigest sha = Digests.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(p), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
      reader = null;
    }
  }
}
