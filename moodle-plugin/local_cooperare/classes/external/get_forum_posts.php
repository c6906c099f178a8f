<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\external;

use context_module;
use core_external\external_api;
use core_external\external_function_parameters;
use core_external\external_multiple_structure;
use core_external\external_single_structure;
use core_external\external_value;
use invalid_parameter_exception;
use local_cooperare\local\util;

/**
 * local_cooperare_get_forum_posts: every post of a forum, all discussions together, in pages of up to 1000, in post id
 * order — what a consultation's collect reads. Core answers one discussion per call
 * (mod_forum_get_discussion_posts), so a consultation of 60 parts costs 60 calls before its first contribution.
 * Messages are returned as stored (the caller treats them as untrusted text); private replies are left out.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class get_forum_posts extends external_api {
    /** Most posts in one page. */
    const MAX_PAGE = 1000;

    /**
     * Parameters.
     *
     * @return external_function_parameters
     */
    public static function execute_parameters(): external_function_parameters {
        return new external_function_parameters([
            'cmid' => new external_value(PARAM_INT, 'Course module id of the forum'),
            'since' => new external_value(PARAM_INT, 'Only posts created or modified at or after this time, 0 for all',
                VALUE_DEFAULT, 0),
            'offset' => new external_value(PARAM_INT, 'Number of posts to skip (ordered by post id)', VALUE_DEFAULT, 0),
            'limit' => new external_value(PARAM_INT, 'Most posts to return, 1 to 1000', VALUE_DEFAULT, self::MAX_PAGE),
        ]);
    }

    /**
     * Read one page of the forum's posts.
     *
     * @param int $cmid
     * @param int $since
     * @param int $offset
     * @param int $limit
     * @return array
     */
    public static function execute(int $cmid, int $since = 0, int $offset = 0, int $limit = self::MAX_PAGE): array {
        global $DB;
        $params = self::validate_parameters(self::execute_parameters(),
            ['cmid' => $cmid, 'since' => $since, 'offset' => $offset, 'limit' => $limit]);
        util::check_paging($params['offset'], $params['limit'], self::MAX_PAGE);
        // Before any lookup: whether an activity exists is not for callers without the capability.
        util::require_site_provision();
        $cm = $params['cmid'] > 0 ? get_coursemodule_from_id('forum', $params['cmid'], 0, false, IGNORE_MISSING) : false;
        if (!$cm) {
            throw new invalid_parameter_exception("activity {$params['cmid']}: no forum has this id");
        }
        util::course_and_context((int) $cm->course, []);
        $context = context_module::instance($cm->id);
        self::validate_context($context);
        require_capability('mod/forum:viewdiscussion', $context);

        $where = 'd.forum = :forum AND p.privatereplyto = 0 AND (p.created >= :since1 OR p.modified >= :since2)';
        $sqlparams = ['forum' => $cm->instance, 'since1' => $params['since'], 'since2' => $params['since']];
        $from = '{forum_posts} p JOIN {forum_discussions} d ON d.id = p.discussion LEFT JOIN {user} u ON u.id = p.userid';
        $total = $DB->count_records_sql("SELECT COUNT(1) FROM {$from} WHERE {$where}", $sqlparams);
        $namefields = \core_user\fields::for_name()->get_sql('u', false, '', '', false)->selects;
        $records = $DB->get_recordset_sql("SELECT p.id, p.discussion, p.parent, p.userid, p.created, p.modified,
                                                  p.subject, p.message, p.messageformat, p.deleted, {$namefields}
                                             FROM {$from}
                                            WHERE {$where}
                                         ORDER BY p.id", $sqlparams, $params['offset'], $params['limit']);
        $posts = [];
        foreach ($records as $record) {
            $posts[] = [
                'id' => (int) $record->id,
                'discussion' => (int) $record->discussion,
                'parent' => (int) $record->parent,
                'userid' => (int) $record->userid,
                'userfullname' => $record->userid ? fullname($record) : '',
                'created' => (int) $record->created,
                'modified' => (int) $record->modified,
                'subject' => (string) $record->subject,
                'message' => (string) $record->message,
                'messageformat' => (int) $record->messageformat,
                'deleted' => !empty($record->deleted),
            ];
        }
        $records->close();
        return ['cmid' => (int) $cm->id, 'forumid' => (int) $cm->instance, 'total' => $total,
            'offset' => (int) $params['offset'], 'posts' => $posts];
    }

    /**
     * Returns.
     *
     * @return external_single_structure
     */
    public static function execute_returns(): external_single_structure {
        return new external_single_structure([
            'cmid' => new external_value(PARAM_INT, 'Course module id'),
            'forumid' => new external_value(PARAM_INT, 'Forum id'),
            'total' => new external_value(PARAM_INT, 'Number of posts matching'),
            'offset' => new external_value(PARAM_INT, 'Offset of this page'),
            'posts' => new external_multiple_structure(
                new external_single_structure([
                    'id' => new external_value(PARAM_INT, 'Post id'),
                    'discussion' => new external_value(PARAM_INT, 'Discussion id'),
                    'parent' => new external_value(PARAM_INT, 'Parent post id, 0 for the first post of a discussion'),
                    'userid' => new external_value(PARAM_INT, 'Author'),
                    'userfullname' => new external_value(PARAM_RAW, 'Author\'s full name'),
                    'created' => new external_value(PARAM_INT, 'Time created'),
                    'modified' => new external_value(PARAM_INT, 'Time last modified'),
                    'subject' => new external_value(PARAM_RAW, 'Subject'),
                    'message' => new external_value(PARAM_RAW, 'Message as stored (untrusted HTML)'),
                    'messageformat' => new external_value(PARAM_INT, 'Message format'),
                    'deleted' => new external_value(PARAM_BOOL, 'Deleted by its author (text removed)'),
                ]),
                'Posts in post id order'
            ),
        ]);
    }
}
