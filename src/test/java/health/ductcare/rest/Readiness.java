package health.ductcare.rest;

import static io.restassured.RestAssured.given;

/** Waits, as a real client would, until the service reports ready (the validator warms in the background). */
public final class Readiness {

    private Readiness() {
    }

    public static void await() throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (given().when().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("The service did not become ready within 180 s");
            }
            Thread.sleep(200);
        }
    }
}
