package health.ductcare.engine;

public enum ActivityKind {
    SERVICE_REQUEST, TASK
}
