package io.grapevine.membership.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grapevine.membership.Keyring;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EncryptionTest {
    private static final byte[] K1 = key(16, 1);
    private static final byte[] K2 = key(32, 2);
    private static final byte[] MSG = "0b81a55365714e6f01-a-message".getBytes(StandardCharsets.US_ASCII);

    private static byte[] key(int len, int seed) {
        byte[] k = new byte[len];
        Arrays.fill(k, (byte) seed);
        return k;
    }

    private static String reason(Throwable e) {
        return ((DropException) e).reason();
    }

    @Test
    void packetVersion1Layout() throws Exception {
        Encryption enc = new Encryption(Keyring.of(K1));
        byte[] sealed = enc.encryptPacket(MSG);
        assertThat(sealed).hasSize(1 + 12 + MSG.length + 16);
        assertThat(sealed[0]).isEqualTo((byte) 1);
        // Independently: nonce = bytes 1..12, the rest is AES-GCM ciphertext || tag with no AAD.
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(K1, "AES"), new GCMParameterSpec(128, sealed, 1, 12));
        assertThat(c.doFinal(sealed, 13, sealed.length - 13)).isEqualTo(MSG);
        assertThat(enc.decryptPacket(sealed)).isEqualTo(MSG);
        assertThat(Arrays.copyOfRange(enc.encryptPacket(MSG), 1, 13)).as("fresh nonce per message")
                .isNotEqualTo(Arrays.copyOfRange(sealed, 1, 13));
    }

    @Test
    void version0PaddedIsAcceptedAndUnpadded() throws DropException {
        Encryption enc = new Encryption(Keyring.of(K1));
        for (int len : new int[] {0, 1, 15, 16, 17}) {
            byte[] plain = Arrays.copyOf(MSG, len);
            byte[] sealed = enc.seal(Encryption.VERSION_PADDED, plain, new byte[0], 0);
            assertThat(sealed[0]).isZero();
            assertThat(sealed.length - 29).as("padded to whole blocks, always at least one pad byte")
                    .isEqualTo((len / 16 + 1) * 16);
            assertThat(enc.decryptPacket(sealed)).isEqualTo(plain);
        }
    }

    @Test
    void version0WithBadPaddingIsDropped() {
        Encryption enc = new Encryption(Keyring.of(K1));
        // Seal 16 bytes ending in 05 whose other pad bytes are not 05, then claim version 0:
        // the version byte is not authenticated, so only the padding check can catch it.
        byte[] plain = new byte[16];
        plain[15] = 5;
        byte[] sealed = enc.seal(Encryption.VERSION_UNPADDED, plain, new byte[0], 0);
        sealed[0] = 0;
        assertThatThrownBy(() -> enc.decryptPacket(sealed)).hasMessageContaining("PKCS7")
                .extracting(EncryptionTest::reason).isEqualTo("decrypt");
        plain[15] = 0;
        byte[] zeroPad = enc.seal(Encryption.VERSION_UNPADDED, plain, new byte[0], 0);
        zeroPad[0] = 0;
        assertThatThrownBy(() -> enc.decryptPacket(zeroPad)).hasMessageContaining("padding length 0");
    }

    @Test
    void wrongKeyTamperingAndJunkAreDecryptDrops() {
        byte[] sealed = new Encryption(Keyring.of(K1)).encryptPacket(MSG);
        Encryption other = new Encryption(Keyring.of(K2));
        assertThatThrownBy(() -> other.decryptPacket(sealed)).extracting(EncryptionTest::reason).isEqualTo("decrypt");
        Encryption same = new Encryption(Keyring.of(K1));
        for (int i : new int[] {1, 13, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x40;
            assertThatThrownBy(() -> same.decryptPacket(tampered)).as("byte %d", i)
                    .extracting(EncryptionTest::reason).isEqualTo("decrypt");
        }
        assertThatThrownBy(() -> same.decryptPacket(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> same.decryptPacket(new byte[28])).hasMessageContaining("too short");
        assertThatThrownBy(() -> same.decryptPacket(new byte[44])).hasMessageContaining("too short");
        byte[] v2 = sealed.clone();
        v2[0] = 2;
        assertThatThrownBy(() -> same.decryptPacket(v2)).hasMessageContaining("unknown encryption version 2");
    }

    @Test
    void everyKeyIsTriedOnReceiveThePrimarySeals() throws DropException {
        byte[] sealedWithK1 = new Encryption(Keyring.of(K1)).encryptPacket(MSG);
        Encryption rotating = new Encryption(Keyring.of(K2, K1));
        assertThat(rotating.decryptPacket(sealedWithK1)).isEqualTo(MSG);
        byte[] sealedByRotating = rotating.encryptPacket(MSG);
        assertThat(new Encryption(Keyring.of(K2)).decryptPacket(sealedByRotating)).isEqualTo(MSG);
        assertThatThrownBy(() -> new Encryption(Keyring.of(K1)).decryptPacket(sealedByRotating))
                .isInstanceOf(DropException.class);
    }

    @Test
    void streamLayoutAndRoundTrip() throws DropException {
        Encryption enc = new Encryption(Keyring.of(K1));
        byte[] s = enc.encryptStream(MSG);
        int length = 1 + 12 + MSG.length + 16;
        assertThat(s).hasSize(5 + length);
        assertThat(Arrays.copyOf(s, 5)).containsExactly(10, 0, 0, 0, length);
        assertThat(s[5]).isEqualTo((byte) 1);
        assertThat(enc.decryptStream(s)).isEqualTo(MSG);
    }

    @Test
    void streamHeaderIsAuthenticated() throws DropException {
        Encryption enc = new Encryption(Keyring.of(K1));
        int length = 1 + 12 + MSG.length + 16;
        byte[] header = {10, 0, 0, 0, (byte) length};
        byte[] otherHeader = {10, 1, 0, 0, (byte) length};
        // Same body, sealed once with the real header as AAD and once with another header.
        byte[] good = enc.seal(Encryption.VERSION_UNPADDED, MSG, header, 5);
        System.arraycopy(header, 0, good, 0, 5);
        assertThat(enc.decryptStream(good)).isEqualTo(MSG);
        byte[] bad = enc.seal(Encryption.VERSION_UNPADDED, MSG, otherHeader, 5);
        System.arraycopy(header, 0, bad, 0, 5);
        assertThatThrownBy(() -> enc.decryptStream(bad)).extracting(EncryptionTest::reason).isEqualTo("decrypt");
        // Flipping a length byte of a real stream never gets through.
        for (int i = 1; i <= 4; i++) {
            byte[] flipped = enc.encryptStream(MSG);
            flipped[i] ^= 1;
            assertThatThrownBy(() -> enc.decryptStream(flipped)).as("length byte %d", i).isInstanceOf(DropException.class);
        }
    }

    @Test
    void streamLengthIsBounded() {
        Encryption enc = new Encryption(Keyring.of(K1));
        byte[] huge = {10, 0x01, 0x40, 0x00, 0x01, 1};
        assertThatThrownBy(() -> enc.decryptStream(huge)).hasMessageContaining("20971521")
                .extracting(EncryptionTest::reason).isEqualTo("oversized");
        byte[] lying = {10, 0, 0, 0, 50, 1, 2, 3};
        assertThatThrownBy(() -> enc.decryptStream(lying)).hasMessageContaining("claims 50 bytes but carries 3")
                .extracting(EncryptionTest::reason).isEqualTo("malformed");
    }
}
