"""Webhooks: endpoints of an organization, frozen events, signed deliveries (docs/webhooks.md)."""
