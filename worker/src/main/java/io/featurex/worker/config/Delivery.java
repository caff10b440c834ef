package io.featurex.worker.config;

/** How outputs and input offsets are committed. */
public enum Delivery {
    /** One Kafka transaction per micro-batch holds outputs and offsets. */
    EXACTLY_ONCE("exactly-once"),
    /** Outputs acknowledged, then offsets committed; a crash in between repeats outputs. */
    AT_LEAST_ONCE("at-least-once");

    private final String key;

    Delivery(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
