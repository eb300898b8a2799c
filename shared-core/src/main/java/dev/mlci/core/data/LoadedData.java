package dev.mlci.core.data;

import dev.mlci.format.TargetSpec;
import java.util.List;

/**
 * The data of a run: read, checked, split.
 *
 * @param files the files read
 * @param features feature column names, in input order
 * @param categorical per feature column, whether it is categorical
 * @param target the target and, for classification, the training classes
 * @param train training examples, in file order
 * @param test held-out examples, in file order
 * @param dropped rows dropped for missing values ({@code missing: drop})
 */
public record LoadedData(
    List<DataFile> files,
    List<String> features,
    List<Boolean> categorical,
    TargetSpec target,
    List<DataRow> train,
    List<DataRow> test,
    int dropped) {
  public LoadedData {
    files = List.copyOf(files);
    features = List.copyOf(features);
    categorical = List.copyOf(categorical);
    // The loader's rows are column views (Rows); a copy would make a DataRow of every row.
    train = train instanceof Rows ? train : List.copyOf(train);
    test = test instanceof Rows ? test : List.copyOf(test);
  }
}
