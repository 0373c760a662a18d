// One group of the duplicates view: what makes it one, then its files as buttons that open the viewer.
import { memo } from 'react';
import { plural } from '../engine/format';
import { groupLabel, type DuplicateGroupView } from '../state/duplicate-groups';
import { Thumbnail } from './Thumbnail';

interface Props {
  group: DuplicateGroupView;
  /** Position of the group's first file in the whole list (the viewer's index). */
  first: number;
  /** Files shown at most (the rest are counted). */
  limit: number;
  onOpen: (index: number) => void;
}

/** One group: what makes it one, then each of its files (thumbnail, name, folder) as a button that opens the viewer. */
export const DuplicateGroupRow = memo(function DuplicateGroupRow({ group, first, limit, onOpen }: Props) {
  const label = groupLabel(group);
  const headingId = `dup-group-${group.key}`;
  let index = first;
  return (
    <li className="dup-group" aria-labelledby={headingId}>
      <h3 id={headingId} className="dup-group-label">
        {label}
        <span className="dup-group-count"> · {plural(group.files, 'file')}</span>
      </h3>
      <div className="dup-files">
        {group.photos.flatMap((photo) =>
          photo.files.map((file) => {
            const at = index++;
            if (at - first >= limit) return null;
            return (
              <div key={file.path} className="dup-file" data-index={at}>
                <button type="button" className="card-button" onClick={() => onOpen(at)} title={file.path}>
                  <Thumbnail hash={file.hash} />
                  <span className="card-caption">
                    <span className="card-name">{file.name}</span>
                    {file.folder && <span className="dup-path">{file.folder}/</span>}
                    {group.kind === 'similar' && photo.files.length > 1 && <span className="dup-tag">identical file</span>}
                  </span>
                </button>
              </div>
            );
          }),
        )}
        {group.files > limit && <p className="hint dup-more">and {plural(group.files - limit, 'more file')}</p>}
      </div>
    </li>
  );
});
