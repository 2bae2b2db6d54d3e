package health.ductcare.engine;

public enum Performer {
    THERAPIST, PATIENT
}
