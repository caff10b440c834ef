package io.featurex.similar;

/**
 * One search result.
 *
 * @param score cosine similarity or Euclidean distance, as the query's {@link Metric} says
 */
public record Neighbour(String id, String sourceUri, float score) {}
