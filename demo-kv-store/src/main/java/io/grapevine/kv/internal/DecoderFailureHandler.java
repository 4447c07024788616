package io.grapevine.kv.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * Answers requests the HTTP decoder could not parse (a request line over 8 KiB, headers over
 * 16 KiB, garbage instead of HTTP) with a JSON error like every other error, then closes the
 * connection: after a decoding failure the rest of the stream cannot be trusted. Sits right after
 * the HTTP codec, before reactor-netty's own handling.
 */
final class DecoderFailureHandler extends ChannelInboundHandlerAdapter {
    private boolean failed;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof DecoderResultProvider p && p.decoderResult().isFailure()) {
            failed = true;
            DecoderResult result = p.decoderResult();
            ReferenceCountUtil.release(msg);
            respond(ctx, result.cause());
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static void respond(ChannelHandlerContext ctx, Throwable cause) {
        HttpResponseStatus status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
            message = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
            message = "request headers too large";
        } else {
            status = HttpResponseStatus.BAD_REQUEST;
            message = "malformed HTTP request";
        }
        byte[] body = Json.bytes(Json.error(message, Map.of()));
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        res.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
