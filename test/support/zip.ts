import { buffer } from 'node:stream/consumers';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';

/** An archive entry for tests that take dossiers apart and put them back together. */
export type Entry = [name: string, data: Buffer, mode?: number];

export async function unzip(archive: Buffer): Promise<Entry[]> {
  const zip = await yauzl.fromBufferPromise(archive, { lazyEntries: true });
  const entries: Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        buffer(stream).then((data) => {
          entries.push([entry.fileName, data]);
          zip.readEntry();
        }, reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries.sort((a, b) => a[0].localeCompare(b[0]));
}

export async function zipOf(entries: Entry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, data, mode] of entries)
    zip.addBuffer(data, name, mode === undefined ? {} : { mode });
  zip.end();
  return buffer(zip.outputStream);
}
