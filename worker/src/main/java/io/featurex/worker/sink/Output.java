package io.featurex.worker.sink;

/** One record to publish: a FeatureVector or a DeadLetter, already serialised. */
public record Output(String topic, byte[] key, byte[] value) {}
