package health.ductcare.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Key pairs made at test time (never committed): an RSA and an EC P-256 pair whose public halves form the JWKS
 * the test server trusts. Kept as files under target/ so the test profile and the tests, which Quarkus loads
 * in different class loaders, use the same keys.
 */
public final class TestKeys {

    public static final String RSA_KID = "test-rsa";
    public static final String EC_KID = "test-ec";
    static final Path DIR = Path.of("target", "test-keys");

    private TestKeys() {
    }

    /** The JWKS file's absolute path, creating the keys on first use. */
    public static synchronized Path jwks() {
        try {
            if (!Files.exists(DIR.resolve("jwks.json"))) {
                Files.createDirectories(DIR);
                KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
                rsa.initialize(2048);
                KeyPair rsaPair = rsa.generateKeyPair();
                KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
                ec.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair ecPair = ec.generateKeyPair();
                write("rsa-private.der", rsaPair.getPrivate().getEncoded());
                write("rsa-public.der", rsaPair.getPublic().getEncoded());
                write("ec-private.der", ecPair.getPrivate().getEncoded());
                RSAPublicKey rsaPublic = (RSAPublicKey) rsaPair.getPublic();
                ECPublicKey ecPublic = (ECPublicKey) ecPair.getPublic();
                String jwks = "{\"keys\":["
                        + "{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + RSA_KID + "\",\"n\":\""
                        + b64(unsigned(rsaPublic.getModulus(), 0)) + "\",\"e\":\""
                        + b64(unsigned(rsaPublic.getPublicExponent(), 0)) + "\"},"
                        + "{\"kty\":\"EC\",\"use\":\"sig\",\"alg\":\"ES256\",\"kid\":\"" + EC_KID + "\",\"crv\":\"P-256\","
                        + "\"x\":\"" + b64(unsigned(ecPublic.getW().getAffineX(), 32)) + "\",\"y\":\""
                        + b64(unsigned(ecPublic.getW().getAffineY(), 32)) + "\"}]}";
                Files.writeString(DIR.resolve("jwks.tmp"), jwks);
                Files.move(DIR.resolve("jwks.tmp"), DIR.resolve("jwks.json"));
            }
            return DIR.resolve("jwks.json").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey rsaPrivate() {
        return privateKey("RSA", "rsa-private.der");
    }

    public static PublicKey rsaPublic() {
        jwks();
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(read("rsa-public.der")));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static PrivateKey ecPrivate() {
        return privateKey("EC", "ec-private.der");
    }

    /** A key pair nobody trusts, for bad-signature tokens. */
    public static PrivateKey strangerRsaPrivate() {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            return rsa.generateKeyPair().getPrivate();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PrivateKey privateKey(String algorithm, String file) {
        jwks();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(read(file)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(String file, byte[] bytes) throws IOException {
        Files.write(DIR.resolve(file), bytes);
    }

    private static byte[] read(String file) {
        try {
            return Files.readAllBytes(DIR.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        int size = bytes.length - start;
        byte[] out = new byte[Math.max(size, length)];
        System.arraycopy(bytes, start, out, out.length - size, size);
        return out;
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }
}
