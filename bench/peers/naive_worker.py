#!/usr/bin/env python3
"""The naive Python feature worker: one image per forward pass, as a typical tutorial does.

Poll one message -> open its file: URI with PIL -> torchvision transforms -> unsqueeze(0) ->
model -> produce one FeatureVector -> flush -> commit, then the next message. Same model, same
transforms and same Debian packages as python_worker.py; only the batching differs.
Use /usr/bin/python3. Stops after --messages inputs, --idle-timeout seconds without input, or
SIGTERM (after the current image), then prints one JSON line.
"""

import argparse
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
    ap.add_argument("--group-id", default="naive-worker")
    ap.add_argument("--weights", required=True, help="TorchScript: VGG16 features + global average pooling")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--messages", type=int, default=0, help="stop after this many inputs (0: never)")
    ap.add_argument("--idle-timeout", type=float, default=30.0, help="stop after this many seconds without input")
    ap.add_argument("--proto-dir", default=None, help="where to generate featurex_pb2 (default: a temp dir)")
    args = ap.parse_args(argv)

    pb = featurex_pb.load(args.proto_dir)
    torch.set_num_threads(args.threads)
    model = torch.jit.load(args.weights).eval()
    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    worker_id = "naive-worker-%s-%d" % (socket.gethostname(), os.getpid())
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": args.group_id,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    consumer.subscribe([args.input_topic])
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))  # finish the image, then exit

    done = failed = 0
    first = last = None
    idle_since = time.monotonic()
    try:
        while (args.messages <= 0 or done < args.messages) and not stopping:
            m = consumer.poll(0.5)
            if m is None or m.error() is not None:
                if time.monotonic() - idle_since > args.idle_timeout:
                    break
                continue
            idle_since = time.monotonic()
            first = first or time.time()
            try:
                ref = pb.ImageRef.FromString(m.value())
                path = urllib.parse.unquote(urllib.parse.urlparse(ref.uri).path)
                img = Image.open(path).convert("RGB")
                with torch.no_grad():
                    v = model(preprocess(img).unsqueeze(0))[0].numpy()
                out = pb.FeatureVector(
                    id=ref.id or "%s-%d-%d" % (m.topic(), m.partition(), m.offset()),
                    source_uri=ref.uri, values=v.tolist(), dimension=len(v),
                    source=pb.SourceCoordinates(topic=m.topic(), partition=m.partition(), offset=m.offset()),
                    worker_id=worker_id)
                producer.produce(args.output_topic, key=out.id.encode(), value=out.SerializeToString())
                producer.flush()
            except Exception as e:
                print("skipping %s: %s" % (m.offset(), e), file=sys.stderr)
                failed += 1
            consumer.commit(message=m, asynchronous=False)
            done += 1
            last = time.time()
    finally:
        consumer.close()
    elapsed = (last - first) if first and last else 0.0
    print(json.dumps({
        "worker": "python-naive", "messages": done, "failed": failed, "threads": torch.get_num_threads(),
        "seconds": round(elapsed, 3),
        "images_per_s": round((done - failed) / elapsed, 3) if elapsed > 0 else None,
        "peak_rss_bytes": featurex_pb.peak_rss_bytes(), "torch": torch.__version__}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
