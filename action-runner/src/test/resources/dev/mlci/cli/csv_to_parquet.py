#!/usr/bin/env python3
"""Test fixture writer: converts a CSV to Parquet with pyarrow (a reader and writer nobody here wrote).

    csv_to_parquet.py IN.csv OUT [--parts N] [--compression snappy|gzip|zstd|none] [--row-group-size R]

Column types are pyarrow's inference (numbers become int64/double, "NaN" a double NaN, empty cells nulls,
anything else strings). With --parts N, OUT is a folder of N part files part-0000.parquet ... (rows split in
order), as Spark and pyarrow.dataset write them.
"""
import argparse
import os

import pyarrow.csv as pv
import pyarrow.parquet as pq

a = argparse.ArgumentParser()
a.add_argument("src")
a.add_argument("out")
a.add_argument("--parts", type=int, default=0)
a.add_argument("--compression", default="snappy")
a.add_argument("--row-group-size", type=int, default=None)
args = a.parse_args()
table = pv.read_csv(args.src)
compression = None if args.compression == "none" else args.compression
if args.parts <= 0:
    pq.write_table(table, args.out, compression=compression, row_group_size=args.row_group_size)
else:
    os.makedirs(args.out, exist_ok=True)
    n = table.num_rows
    step = -(-n // args.parts)
    for i in range(args.parts):
        part = table.slice(i * step, step)
        pq.write_table(part, os.path.join(args.out, f"part-{i:04d}.parquet"), compression=compression,
                       row_group_size=args.row_group_size)
