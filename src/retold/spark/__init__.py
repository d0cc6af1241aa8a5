"""retold on Apache Spark: the corpus pipeline for corpora beyond one machine."""
