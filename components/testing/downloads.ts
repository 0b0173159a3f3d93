/**
 * Catches the files the element saves through a temporary `<a download>`: the blob behind each
 * object URL and the anchor's file name. The anchor's click is not passed on, so nothing lands
 * in the browser's download folder.
 */
export function captureDownloads() {
  const files: { name: string; blob: Blob }[] = [];
  const blobs = new Map<string, Blob>();
  const createObjectURL = URL.createObjectURL;
  const click = HTMLAnchorElement.prototype.click;
  URL.createObjectURL = (object: Blob | MediaSource) => {
    const url = createObjectURL.call(URL, object);
    if (object instanceof Blob) blobs.set(url, object);
    return url;
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    if (this.download && blobs.has(this.href)) files.push({ name: this.download, blob: blobs.get(this.href)! });
    else click.call(this);
  };
  return {
    files,
    restore() {
      URL.createObjectURL = createObjectURL;
      HTMLAnchorElement.prototype.click = click;
    },
  };
}

/** Whether a blob is a zip container, as .xlsx files are: it starts with "PK". */
export async function isZip(blob: Blob): Promise<boolean> {
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  return blob.size > 100 && head[0] === 0x50 && head[1] === 0x4b;
}
