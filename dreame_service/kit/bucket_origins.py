"""Where the browser fetches a private file from when the files are in an S3 bucket.

Staff pages show receipts and intake photos as <img> pointing at a permission-checked view,
which redirects to a short-lived signed URL on the bucket's host. The Content-Security-Policy
checks the redirect's target too, so img-src must name the bucket's origin; only that one.
"""

from urllib.parse import urlsplit


def bucket_origins(*, bucket: str, endpoint_url: str | None, region: str | None) -> list[str]:
    """The origins boto3 may sign URLs on for this bucket: path-style on the endpoint, or
    the bucket as a subdomain (virtual-hosted style, AWS's default and some providers')."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{bucket}.{parts.netloc}"]
    origins = [f"https://{bucket}.s3.amazonaws.com"]
    if region:
        origins.append(f"https://{bucket}.s3.{region}.amazonaws.com")
    return origins
