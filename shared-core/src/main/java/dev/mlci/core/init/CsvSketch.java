package dev.mlci.core.init;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * What {@code mlci init} reads of a CSV: its header and, per column, what a sample of its first
 * {@value #SAMPLE_ROWS} rows looks like (numeric or not, integers only, distinct values, missing
 * cells). Read with Commons CSV as mlci's data loader reads CSV (RFC 4180, a header row).
 *
 * @param file the CSV
 * @param columns the columns, in header order
 * @param rows the rows sampled
 */
public record CsvSketch(Path file, List<Column> columns, int rows) {
  /** How many data rows init looks at. */
  public static final int SAMPLE_ROWS = 1000;

  /** Cell values that count as missing: mlci's default {@code data.na_values}. */
  static final Set<String> NA = Set.of("", "NA");

  /**
   * A column as the sample shows it.
   *
   * @param name the header
   * @param numeric every present cell is a number
   * @param integral every present cell is a whole number
   * @param distinct the distinct present values of the sample
   * @param present cells that are not missing
   * @param missing missing cells
   */
  public record Column(
      String name,
      boolean numeric,
      boolean integral,
      Set<String> distinct,
      int present,
      int missing) {
    public Column {
      Objects.requireNonNull(name, "name");
      distinct = Set.copyOf(distinct);
    }

    /** Whether every sampled value is different (and there are at least 2). */
    public boolean unique() {
      return present >= 2 && distinct.size() == present;
    }
  }

  /** Why a CSV cannot be sketched: the message names the file, row and fix. */
  public static final class BadCsv extends Exception {
    private static final long serialVersionUID = 1L;
    private final int row;

    BadCsv(String message, int row) {
      super(message);
      this.row = row;
    }

    /** The row concerned (1 = the header), 0 for the file as a whole. */
    public int row() {
      return row;
    }
  }

  public CsvSketch {
    Objects.requireNonNull(file, "file");
    columns = List.copyOf(columns);
  }

  /** The column names, in header order. */
  public List<String> names() {
    return columns.stream().map(Column::name).toList();
  }

  /** The column called {@code name}. */
  public java.util.Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * Reads the header and the first {@value #SAMPLE_ROWS} rows of {@code file}.
   *
   * @throws BadCsv when it has no header, a repeated or empty column name, or a row of another
   *     width
   * @throws IOException when it cannot be read
   */
  public static CsvSketch read(Path file) throws IOException, BadCsv {
    CSVFormat format =
        CSVFormat.RFC4180.builder().setIgnoreSurroundingSpaces(true).setTrim(true).get();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser parser = CSVParser.parse(in, format)) {
      var records = parser.iterator();
      if (!records.hasNext()) {
        throw new BadCsv("is empty; mlci needs a header row and data rows", 0);
      }
      List<String> header = records.next().toList();
      Set<String> seen = new TreeSet<>();
      for (int i = 0; i < header.size(); i++) {
        String h = header.get(i);
        if (h.isEmpty()) {
          throw new BadCsv("column " + (i + 1) + " of the header has no name", 1);
        }
        if (!seen.add(h)) {
          throw new BadCsv("the header names column '" + h + "' twice", 1);
        }
      }
      int n = header.size();
      boolean[] numeric = new boolean[n];
      boolean[] integral = new boolean[n];
      int[] present = new int[n];
      int[] missing = new int[n];
      List<Set<String>> distinct = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        numeric[i] = true;
        integral[i] = true;
        distinct.add(new TreeSet<>());
      }
      int rows = 0;
      while (rows < SAMPLE_ROWS && records.hasNext()) {
        CSVRecord r = records.next();
        rows++;
        if (r.size() == 1 && r.get(0).isEmpty()) {
          rows--;
          continue;
        }
        if (r.size() != n) {
          throw new BadCsv(
              "row " + (rows + 1) + " has " + r.size() + " fields where the header has " + n,
              rows + 1);
        }
        for (int i = 0; i < n; i++) {
          String v = r.get(i);
          if (NA.contains(v)) {
            missing[i]++;
            continue;
          }
          present[i]++;
          distinct.get(i).add(v);
          if (numeric[i]) {
            try {
              double d = Double.parseDouble(v);
              numeric[i] = Double.isFinite(d);
              integral[i] &= d == Math.rint(d) && !v.contains(".") && !v.contains("e");
            } catch (NumberFormatException e) {
              numeric[i] = false;
            }
          }
        }
      }
      if (rows == 0) {
        throw new BadCsv("has a header but no data rows", 0);
      }
      Map<String, Column> columns = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        boolean isNumeric = numeric[i] && present[i] > 0;
        columns.put(
            header.get(i),
            new Column(
                header.get(i),
                isNumeric,
                isNumeric && integral[i],
                distinct.get(i),
                present[i],
                missing[i]));
      }
      return new CsvSketch(file, List.copyOf(columns.values()), rows);
    } catch (java.io.UncheckedIOException e) {
      throw new BadCsv("cannot be parsed as CSV: " + e.getCause().getMessage(), 0);
    } catch (IllegalStateException e) {
      throw new BadCsv("cannot be parsed as CSV: " + e.getMessage(), 0);
    }
  }
}
