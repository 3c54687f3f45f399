// Issue writes for alert issues: create, open/close, comments; the one place that calls those endpoints.
import type { giteaApi } from 'gitea-js';
import type { ForgeClient } from '../../domain/ports/forge.js';
import { toIssue } from './forgejo-mapping.js';
import { CommentWire, IssueWire, parseList } from './forgejo-schemas.js';

type Api = ReturnType<typeof giteaApi>;
export type IssueWrites = Pick<ForgeClient, 'createIssue' | 'setIssueState' | 'listComments' | 'createComment'>;

export function issueWrites(api: Api, split: (repo: string) => [string, string]): IssueWrites {
  return {
    async createIssue(repo, i) {
      const [owner, name] = split(repo);
      const res = await api.repos.issueCreateIssue(owner, name, { title: i.title, body: i.body, labels: i.labelIds });
      return toIssue(IssueWire.parse(res.data));
    },
    async setIssueState(repo, n, state) {
      const [owner, name] = split(repo);
      return toIssue(IssueWire.parse((await api.repos.issueEditIssue(owner, name, n, { state })).data));
    },
    async listComments(repo, n) {
      const [owner, name] = split(repo);
      return parseList(CommentWire, (await api.repos.issueGetComments(owner, name, n)).data);
    },
    async createComment(repo, n, body) {
      const [owner, name] = split(repo);
      return CommentWire.parse((await api.repos.issueCreateComment(owner, name, n, { body })).data);
    },
  };
}
