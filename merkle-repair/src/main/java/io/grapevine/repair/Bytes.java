package io.grapevine.repair;

import java.nio.charset.StandardCharsets;

/** Short printable forms of byte arrays for logs and toString, never the whole of a long array. */
final class Bytes {
    private static final int SHOWN = 24;

    private Bytes() {
    }

    static String show(byte[] b) {
        if (b == null) {
            return "null";
        }
        boolean printable = true;
        for (int i = 0; i < Math.min(b.length, SHOWN); i++) {
            if (b[i] < 0x20 || b[i] > 0x7e) {
                printable = false;
                break;
            }
        }
        StringBuilder s = new StringBuilder();
        if (printable) {
            s.append('"').append(new String(b, 0, Math.min(b.length, SHOWN), StandardCharsets.US_ASCII)).append('"');
        } else {
            s.append("0x");
            for (int i = 0; i < Math.min(b.length, SHOWN); i++) {
                s.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
            }
        }
        if (b.length > SHOWN) {
            s.append("...(").append(b.length).append(" bytes)");
        }
        return s.toString();
    }
}
