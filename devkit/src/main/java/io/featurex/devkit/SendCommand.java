package io.featurex.devkit;

import com.google.protobuf.ByteString;
import io.featurex.embedded.SampleImages;
import io.featurex.v1.ImageRef;
import io.featurex.worker.cli.QuietByDefault;
import io.featurex.worker.cli.VerboseOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Sends one ImageRef per image file: the quickest way to feed a running worker by hand. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = "Send one ImageRef per image (files, or the images directly inside folders) to the input topic: "
                + "a file: URI by default (the worker needs the folder in --fetch-file-roots), or the bytes inline.")
final class SendCommand implements Callable<Integer>, QuietByDefault {

    @Mixin
    VerboseOption verbosity = new VerboseOption();

    @Override
    public boolean quiet() {
        return !verbosity.verbose();
    }

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT")
    String bootstrapServers;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Input topic. Default: ${DEFAULT-VALUE}.")
    String topic = "featurex.images";

    @Option(names = "--inline", description = "Send the image bytes in the record instead of a file: URI.")
    boolean inline;

    @Option(
            names = "--raw",
            description = "Send each file's bytes unchanged as one record value (an S3 event JSON, "
                    + "a URI, a JSON reference: for topics with another --input-format than protobuf).")
    boolean raw;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Image files or folders.")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            files.addAll(
                    Files.isDirectory(path)
                            ? SampleImages.inFolder(path.toAbsolutePath())
                            : List.of(path.toAbsolutePath()));
        }
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            if (raw) {
                for (Path file : paths) {
                    producer.send(new ProducerRecord<>(topic, null, Files.readAllBytes(file)))
                            .get();
                }
                System.out.println("sent " + paths.size() + " records to " + topic);
                return 0;
            }
            for (Path file : files) {
                String id = file.getFileName().toString();
                ImageRef.Builder ref = ImageRef.newBuilder().setId(id);
                if (inline) {
                    ref.setInline(ByteString.copyFrom(Files.readAllBytes(file)));
                } else {
                    ref.setUri(file.toUri().toString());
                }
                producer.send(new ProducerRecord<>(
                                topic,
                                id.getBytes(StandardCharsets.UTF_8),
                                ref.build().toByteArray()))
                        .get();
            }
        }
        System.out.println("sent " + files.size() + " image refs to " + topic);
        return 0;
    }
}
