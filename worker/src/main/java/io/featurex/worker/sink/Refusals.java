package io.featurex.worker.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiFunction;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * What the broker or the producer said of each output of one attempt, from the send callbacks:
 * the outputs refused for their own size can be replaced and the rest sent again.
 */
final class Refusals {

    private final AtomicReferenceArray<Exception> errors;

    Refusals(int outputs) {
        this.errors = new AtomicReferenceArray<>(outputs);
    }

    /** Called from the producer's I/O thread (or the sending thread, for errors found before sending). */
    void failed(int output, Exception error) {
        errors.set(output, error);
    }

    /** @return the outputs with every one refused for its size replaced; the same list when none was */
    List<Output> replaceRefused(List<Output> outputs, BiFunction<Output, Exception, Output> replacement) {
        List<Output> replaced = null;
        for (int i = 0; i < outputs.size(); i++) {
            Exception error = errors.get(i);
            if (error != null && isAboutItsSize(error)) {
                if (replaced == null) {
                    replaced = new ArrayList<>(outputs);
                }
                replaced.set(i, replacement.apply(outputs.get(i), error));
            }
        }
        return replaced == null ? outputs : replaced;
    }

    static boolean isAboutItsSize(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
