package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SerfTagsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void emptyTagsAreMagicAndEmptyMap() {
        assertThat(HEX.formatHex(SerfTags.encode(Map.of()))).isEqualTo("ff80");
    }

    @Test
    void tagsAreSortedRawStrings() {
        // ff, fixmap 2, fixstr "role"=a4..., "db"; "zone" -> "a"
        byte[] b = SerfTags.encode(Map.of("zone", "a", "role", "db"));
        assertThat(HEX.formatHex(b)).isEqualTo("ff82" + "a4726f6c65" + "a26462" + "a47a6f6e65" + "a161");
        assertThat(SerfTags.decode(b)).isEqualTo(Map.of("zone", "a", "role", "db"));
    }

    @Test
    void longValueUsesStr16NotStr8AsGoDoes() {
        String v = "x".repeat(40);
        byte[] b = SerfTags.encode(Map.of("k", v));
        assertThat(HEX.formatHex(b, 0, 6)).isEqualTo("ff81a16bda00");
        assertThat(b[6] & 0xFF).isEqualTo(40);
        assertThat(SerfTags.decode(b)).containsEntry("k", v);
    }

    @Test
    void legacyMetaIsRole() {
        assertThat(SerfTags.decode("web".getBytes())).isEqualTo(Map.of("role", "web"));
    }

    @Test
    void malformedMetaIsAClearError() {
        assertThatThrownBy(() -> SerfTags.decode(new byte[] {(byte) 0xff, (byte) 0x85, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed serf tags");
        assertThatThrownBy(() -> SerfTags.decode(new byte[] {(byte) 0xff, 0x01}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
