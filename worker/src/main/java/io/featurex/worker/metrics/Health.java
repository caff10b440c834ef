package io.featurex.worker.metrics;

import java.util.concurrent.atomic.AtomicReference;

/** What /healthz and /readyz report. Written by the worker loop, read by the HTTP server. */
public final class Health {

    public enum State {
        STARTING(true, false),
        /** Model loaded, consuming (or waiting cleanly for partitions). */
        RUNNING(true, true),
        DRAINING(true, false),
        STOPPED(true, false),
        /** The model, the device or Kafka failed for good: restart me. */
        FAILED(false, false);

        final boolean alive;
        final boolean ready;

        State(boolean alive, boolean ready) {
            this.alive = alive;
            this.ready = ready;
        }
    }

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);
    private volatile String detail = "";

    public void set(State next, String why) {
        state.set(next);
        detail = why;
    }

    public State state() {
        return state.get();
    }

    public boolean alive() {
        return state.get().alive;
    }

    public boolean ready() {
        return state.get().ready;
    }

    public String detail() {
        return detail;
    }
}
