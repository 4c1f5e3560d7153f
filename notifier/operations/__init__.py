"""Operations: readiness, Prometheus metrics and HTTP hardening."""
