package io.featurex.worker.cli;

import java.util.List;

/**
 * Commands a module adds to the featurex command line, found on the class path by {@link
 * java.util.ServiceLoader}: the production jar alone has the worker's own (run, replay,
 * export-params); the developer kit's class path adds demo, broker, send, similar and bench.
 */
public interface CommandSet {

    /** picocli command objects (instances of classes annotated with {@code @Command}). */
    List<Object> commands();
}
