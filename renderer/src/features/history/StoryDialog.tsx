import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import type { Story } from './event-words';

/** The rest of a story after its lead and byline: a sentence each, then the SQL it ran. */
export function StoryDetails({ story }: { story: Story }) {
  return (
    <>
      {story.points.length > 0 && (
        <ul className="story__points">
          {story.points.map((point) => (
            <li key={point}>{point}</li>
          ))}
        </ul>
      )}
      {story.statements.length > 0 && (
        <>
          <h3 className="story__heading">{story.statements.length === 1 ? 'The statement' : `The ${story.statements.length} statements`}</h3>
          <pre className="story__sql" tabIndex={0} aria-label="SQL statements">
            {story.statements.join(';\n\n')}
          </pre>
        </>
      )}
    </>
  );
}

/** One thing from the history, told in sentences: what happened, who and when, and the rest. */
export function StoryDialog({ title, story, failed = false, onClose }: { title: string; story: Story; failed?: boolean; onClose: () => void }) {
  return (
    <Dialog title={title} onClose={onClose} width="wide" footer={<Button onClick={onClose}>Close</Button>}>
      <p className={`story__lead${failed ? ' story__lead--failed' : ''}`}>{story.lead}</p>
      <p className="story__byline">{story.byline}</p>
      <StoryDetails story={story} />
    </Dialog>
  );
}
