package io.featurex.bench;

/** Fresh topics and a consumer group for one worker run, so no run sees another's records. */
record Topics(String input, String output, String deadLetters, String group) {

    static Topics fresh(String run) {
        String base = "bench-" + run.replaceAll("[^A-Za-z0-9._-]", "-");
        return new Topics(base + ".images", base + ".features", base + ".dead-letters", base);
    }
}
