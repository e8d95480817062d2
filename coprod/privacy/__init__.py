"""People's data rights (UK GDPR): erasure lives in `coprod.privacy.erasure`."""
