package io.featurex.worker.testing;

import com.google.protobuf.ByteString;
import io.featurex.v1.ImageRef;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Input for the failure tests: small inline PNGs with ids, and every {@code badEvery}-th a
 * reference to a missing file (a dead letter), so both outputs are checked for exactly once.
 */
public final class Load {

    public final List<String> ids = new ArrayList<>();
    public final List<byte[]> values = new ArrayList<>();

    public static Load of(int count, int badEvery, Path missingDir) {
        List<ByteString> pictures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pictures.add(ByteString.copyFrom(png(i)));
        }
        Load load = new Load();
        for (int i = 0; i < count; i++) {
            String id = "img-" + i;
            ImageRef.Builder ref = ImageRef.newBuilder().setId(id);
            if (badEvery > 0 && i % badEvery == badEvery - 1) {
                ref.setUri(missingDir.resolve("missing-" + i + ".png").toUri().toString());
            } else {
                ref.setInline(pictures.get(i % pictures.size()));
            }
            load.ids.add(id);
            load.values.add(ref.build().toByteArray());
        }
        return load;
    }

    /** Sends everything at a steady pace over {@code seconds}, on its own thread. */
    public Thread sendInBackground(String bootstrap, String topic, double seconds) {
        Thread sender = new Thread(() -> send(bootstrap, topic, seconds), "load-sender");
        sender.setDaemon(true);
        sender.start();
        return sender;
    }

    public void send(String bootstrap, String topic, double seconds) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Rides out a broker restart: retries until the delivery timeout.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        long pauseNanos = (long) (seconds * 1e9 / Math.max(1, values.size()));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            long next = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, ids.get(i).getBytes(), values.get(i)));
                next += pauseNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] png(int seed) {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(Color.HSBtoRGB(seed / 8f, 0.7f, 0.9f)));
        g.fillRect(0, 0, 64, 48);
        g.setColor(Color.BLACK);
        g.fillOval(8 + seed * 4, 8, 20, 20);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
