package io.grapevine.kv.internal;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads HTTP bodies into byte arrays without ever holding more than a limit. */
public final class Bodies {
    private Bodies() {
    }

    /**
     * @param content the body's buffers (released by reactor-netty after each is handled)
     * @param limit   the most bytes accepted
     * @return the body; errors with {@link BodyTooLargeException} as soon as it exceeds the limit
     */
    public static Mono<byte[]> read(Flux<ByteBuf> content, long limit) {
        return Mono.defer(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return content.<byte[]>handle((buf, sink) -> {
                int n = buf.readableBytes();
                if (out.size() + (long) n > limit) {
                    sink.error(new BodyTooLargeException(limit));
                    return;
                }
                byte[] chunk = new byte[n];
                buf.getBytes(buf.readerIndex(), chunk);
                out.write(chunk, 0, n);
            }).then(Mono.fromSupplier(out::toByteArray));
        });
    }
}
