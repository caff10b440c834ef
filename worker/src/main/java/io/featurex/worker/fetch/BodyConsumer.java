package io.featurex.worker.fetch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Reads a response as it streams in: the status and Location of anything but a 200 (its body
 * is let pass), the body of a 200 up to the byte limit, refused as soon as it goes over it.
 */
final class BodyConsumer implements AsyncResponseConsumer<BodyConsumer.Exchange> {

    /** A response read in full: status, redirect target, body (null unless 200). */
    record Exchange(int status, String location, byte[] body) {}

    private static final int FIRST_BUFFER = 64 * 1024;

    private final long maxBytes;
    private FutureCallback<Exchange> done;
    private byte[] body;
    private int size;

    BodyConsumer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public void consumeResponse(
            HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<Exchange> callback)
            throws IOException {
        int status = response.getCode();
        if (status != 200) {
            Header location = response.getFirstHeader("Location");
            callback.completed(new Exchange(status, location == null ? null : location.getValue(), null));
            return;
        }
        if (entity == null) {
            callback.completed(new Exchange(status, null, new byte[0]));
            return;
        }
        long declared = entity.getContentLength();
        if (declared > maxBytes) {
            throw new TooLargeException("Content-Length " + declared + " over the limit of " + maxBytes + " bytes");
        }
        body = new byte[(int) (declared >= 0 ? declared : Math.min(FIRST_BUFFER, maxBytes))];
        done = callback;
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx: nothing to do, the final response follows.
    }

    @Override
    public void updateCapacity(CapacityChannel channel) throws IOException {
        channel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        if (done == null) {
            src.position(src.limit()); // the body of a redirect or an error: not wanted
            return;
        }
        int n = src.remaining();
        if ((long) size + n > maxBytes) {
            throw new TooLargeException("body over the limit of " + maxBytes + " bytes");
        }
        if (size + n > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(maxBytes, Math.max((long) body.length * 2, size + n)));
        }
        src.get(body, size, n);
        size += n;
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        if (done != null) {
            done.completed(new Exchange(200, null, size == body.length ? body : Arrays.copyOf(body, size)));
        }
    }

    @Override
    public void failed(Exception cause) {
        // The exchange's own callback reports it; a fetch that failed here holds nothing.
    }

    @Override
    public void releaseResources() {
        body = null;
    }

    static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }
}
