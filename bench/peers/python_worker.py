#!/usr/bin/env python3
"""A batched Python feature worker, written the ordinary way: the benchmark's peer.

confluent-kafka consumer (manual commits) -> open each file: URI with PIL -> torchvision
transforms (Resize 256, CenterCrop 224, ToTensor, Normalize) -> torch.stack -> one forward pass
per batch of up to --batch-size under torch.no_grad() -> one FeatureVector protobuf per image
-> producer.flush() -> consumer.commit() (commit after produce: at-least-once).

Runs Debian's python3-torch / python3-torchvision / python3-pil / python3-confluent-kafka /
python3-protobuf (use /usr/bin/python3). torch defaults to 1 thread there; --threads sets it
(the benchmark passes 2, as featurex uses). Stops after --messages inputs, --idle-timeout
seconds without input, or SIGTERM (after the current batch), then prints one JSON line.
"""

import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import time
import urllib.parse

import torch
from confluent_kafka import Consumer, Producer
from PIL import Image
from torchvision import transforms

import featurex_pb


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bootstrap-servers", required=True)
    ap.add_argument("--input-topic", required=True)
    ap.add_argument("--output-topic", required=True)
    ap.add_argument("--group-id", default="python-worker")
    ap.add_argument("--weights", required=True, help="TorchScript: VGG16 features + global average pooling")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--messages", type=int, default=0, help="stop after this many inputs (0: never)")
    ap.add_argument("--idle-timeout", type=float, default=30.0, help="stop after this many seconds without input")
    ap.add_argument("--proto-dir", default=None, help="where to generate featurex_pb2 (default: a temp dir)")
    args = ap.parse_args(argv)

    pb = featurex_pb.load(args.proto_dir)
    torch.set_num_threads(args.threads)
    model = torch.jit.load(args.weights).eval()
    with open(args.weights, "rb") as f:
        digest = "sha256:" + hashlib.sha256(f.read()).hexdigest()
    identity = pb.ModelIdentity(
        architecture="vgg16-notop-avgpool",
        weights_source=pb.ModelIdentity.TORCHSCRIPT,
        weights_digest=digest,
        preprocessing=pb.ModelIdentity.TORCH,
        precision=pb.ModelIdentity.FP32,
        input_size=224)
    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    worker_id = "python-worker-%s-%d" % (socket.gethostname(), os.getpid())

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "linger.ms": 5})
    consumer.subscribe([args.input_topic])
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))  # finish the batch, then exit

    done = failed = batches = 0
    first = last = None
    idle_since = time.monotonic()
    try:
        while (args.messages <= 0 or done < args.messages) and not stopping:
            msgs = [m for m in consumer.consume(num_messages=args.batch_size, timeout=0.5) if m.error() is None]
            if not msgs:
                if time.monotonic() - idle_since > args.idle_timeout:
                    break
                continue
            idle_since = time.monotonic()
            first = first or time.time()
            refs, tensors = [], []
            for m in msgs:
                try:
                    ref = pb.ImageRef.FromString(m.value())
                    path = urllib.parse.unquote(urllib.parse.urlparse(ref.uri).path)
                    with Image.open(path) as img:
                        tensors.append(preprocess(img.convert("RGB")))
                    refs.append((m, ref))
                except Exception as e:  # an ordinary worker logs and skips bad input
                    print("skipping %s: %s" % (m.offset(), e), file=sys.stderr)
                    failed += 1
            if tensors:
                with torch.no_grad():
                    vectors = model(torch.stack(tensors)).numpy()
                batches += 1
                now = time.time()
                for (m, ref), v in zip(refs, vectors):
                    out = pb.FeatureVector(
                        id=ref.id or "%s-%d-%d" % (m.topic(), m.partition(), m.offset()),
                        source_uri=ref.uri, values=v.tolist(), dimension=len(v), model=identity,
                        source=pb.SourceCoordinates(topic=m.topic(), partition=m.partition(), offset=m.offset()),
                        worker_id=worker_id)
                    out.extracted_time.FromSeconds(int(now))
                    out.attributes.update(ref.attributes)
                    producer.produce(args.output_topic, key=out.id.encode(), value=out.SerializeToString())
            producer.flush()
            consumer.commit(asynchronous=False)
            done += len(msgs)
            last = time.time()
    finally:
        consumer.close()
    elapsed = (last - first) if first and last else 0.0
    print(json.dumps({
        "worker": "python-batched", "messages": done, "failed": failed, "batches": batches,
        "batch_size": args.batch_size, "threads": torch.get_num_threads(), "seconds": round(elapsed, 3),
        "images_per_s": round((done - failed) / elapsed, 3) if elapsed > 0 else None,
        "peak_rss_bytes": featurex_pb.peak_rss_bytes(), "torch": torch.__version__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
