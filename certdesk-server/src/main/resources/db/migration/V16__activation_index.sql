-- The lifecycle sweep looks for scheduled signing activations that are due, each node every 2 s.
CREATE INDEX pki_settings_activation_idx ON pki_settings (next_activate_at);
