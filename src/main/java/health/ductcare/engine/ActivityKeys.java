package health.ductcare.engine;

/**
 * Stable keys for planned activities, stored with each CarePlan activity so that a re-plan can
 * recognise what was planned before: {@code s<session>-<stepId>} and {@code home-<stepId>}.
 */
public final class ActivityKeys {

    private ActivityKeys() {
    }

    public static String session(int sessionNumber, String stepId) {
        return "s" + sessionNumber + "-" + stepId;
    }

    public static String home(String stepId) {
        return "home-" + stepId;
    }
}
